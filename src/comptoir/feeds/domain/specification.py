"""Checking a generated feed against Google's own files: the Merchant API's product attributes
(`products_common.proto`, `types.proto`, and the table of its attributes) and the product taxonomy
(`taxonomy-with-ids.en-US.txt`). The files are read by the caller (tests read ../shared/data/google-merchant) and
parsed here; nothing of them is copied into Comptoir.

`validate_xml` and `validate_tsv` parse the feed as a channel would and check every item: each attribute is one the
specification knows (a feed's singular name for a repeated field: `gtin` for `gtins`), enum values (availability,
condition…) are the proto's, prices are '<amount> <ISO 4217>' in the feed's currency with the currency's decimals,
`google_product_category` is a taxonomy id or path, GTINs have a valid check digit, shipping sub-attributes are fields
of the proto's `Shipping`, ids are unique, and the attributes Google requires for every item are present."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from comptoir.core.money import currency_exponent, is_known_currency
from comptoir.feeds.domain.google import (
    GOOGLE_NAMESPACE,
    MAX_DESCRIPTION_LENGTH,
    MAX_ID_LENGTH,
    MAX_TITLE_LENGTH,
)

# Google requires these for every item (product data specification); brand and gtin/mpn unless identifier_exists=no.
REQUIRED = ("id", "title", "description", "link", "image_link", "availability", "price", "condition")
# Product-level fields that are not ProductAttributes in the Merchant API (`offer_id` there).
PRODUCT_LEVEL = {"id": "string"}
_PRICE = re.compile(r"^(\d+)(?:\.(\d+))? ([A-Z]{3})$")
_MESSAGE = re.compile(r"^\s*(message|enum)\s+(\w+)\s*\{")
_FIELD = re.compile(r"^\s*(optional\s+|repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*\d+")
_ENUM_VALUE = re.compile(r"^\s*([A-Z][A-Z0-9_]*)\s*=\s*\d+\s*;")


@dataclass(frozen=True)
class FieldSpec:
    type: str
    is_repeated: bool


@dataclass
class Specification:
    """Fields per proto message (`messages["ProductAttributes"]["price"]`) and enum values per enum, in the lower
    case feeds use (`enums["Availability"] == {"in_stock", …}`)."""

    messages: dict[str, dict[str, FieldSpec]] = field(default_factory=dict)
    enums: dict[str, set[str]] = field(default_factory=dict)

    @property
    def attributes(self) -> dict[str, FieldSpec]:
        return self.messages["ProductAttributes"]

    def attribute(self, name: str) -> FieldSpec | None:
        """The field a feed attribute fills: its own name, or the plural of a repeated field (`gtin` → `gtins`)."""
        if name in PRODUCT_LEVEL:
            return FieldSpec(PRODUCT_LEVEL[name], False)
        found = self.attributes.get(name)
        if found is None:
            plural = self.attributes.get(f"{name}s")
            if plural is not None and plural.is_repeated:
                return plural
        return found

    def enum_values(self, type_name: str) -> set[str] | None:
        return self.enums.get(type_name.rsplit(".", 1)[-1])


def parse_proto(text: str, specification: Specification | None = None) -> Specification:
    """Messages and enums of a .proto file (nested ones by their own name), added to `specification`."""
    spec = specification or Specification()
    stack: list[tuple[str, str] | None] = []
    for line in text.splitlines():
        code = line.split("//", 1)[0]
        opened = _MESSAGE.match(code)
        if opened:
            kind, name = opened.groups()
            stack.append((kind, name))
            if kind == "message":
                spec.messages.setdefault(name, {})
            else:
                spec.enums.setdefault(name, set())
        elif stack and stack[-1] is not None:
            kind, name = stack[-1]
            if kind == "message":
                found = _FIELD.match(code)
                if found and found.group(2) not in {"message", "enum", "option", "reserved", "oneof"}:
                    label, type_name, field_name = found.groups()
                    spec.messages[name][field_name] = FieldSpec(type_name, (label or "").strip() == "repeated")
            else:
                value = _ENUM_VALUE.match(code)
                if value and not value.group(1).endswith("_UNSPECIFIED"):
                    spec.enums[name].add(value.group(1).lower())
        if "{" in code and not opened:
            stack.extend([None] * code.count("{"))
        for _ in range(code.count("}")):
            if stack:
                stack.pop()
    return spec


def specification_from_files(*, attributes_csv: str, proto_texts: list[str]) -> Specification:
    """The specification from the protos, checked against the attribute table (the two must agree on the names)."""
    spec = Specification()
    for text in proto_texts:
        parse_proto(text, spec)
    listed = {row["field"] for row in csv.DictReader(io.StringIO(attributes_csv))}
    missing = listed - set(spec.attributes)
    if missing:
        raise ValueError(f"attributes in the table but not in the proto: {sorted(missing)}")
    return spec


def parse_taxonomy(text: str) -> dict[int, str]:
    """Google product taxonomy 'id - Path > To > Category' lines: id -> path (the version comment is skipped)."""
    categories = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        number, _, path = line.partition(" - ")
        categories[int(number)] = path.strip()
    return categories


@dataclass(frozen=True)
class Problem:
    item_id: str
    attribute: str
    message: str


def gtin_is_valid(value: str) -> bool:
    """GTIN-8, -12, -13 or -14 with a correct GS1 check digit."""
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        return False
    digits = [int(digit) for digit in value]
    total = sum(digit * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


@dataclass
class _Checker:
    spec: Specification
    taxonomy: dict[int, str]
    currency: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, item_id: str, attribute: str, message: str) -> None:
        self.problems.append(Problem(item_id, attribute, message))

    def price(self, item_id: str, attribute: str, text: str) -> None:
        found = _PRICE.match(text)
        if not found:
            self.add(item_id, attribute, f"'{text}' is not '<amount> <currency>'")
            return
        _, decimals, currency = found.groups()
        if not is_known_currency(currency):
            self.add(item_id, attribute, f"'{currency}' is not an ISO 4217 currency")
        elif currency != self.currency:
            self.add(item_id, attribute, f"{currency} instead of the feed's {self.currency}")
        elif len(decimals or "") > currency_exponent(currency):
            self.add(item_id, attribute, f"{currency} has at most {currency_exponent(currency)} decimals")

    def value(self, item_id: str, attribute: str, spec: FieldSpec, text: str) -> None:
        type_name = spec.type
        enum = self.spec.enum_values(type_name)
        if enum is not None:
            if text not in enum:
                self.add(item_id, attribute, f"'{text}' is not one of {', '.join(sorted(enum))}")
        elif type_name == "google.shopping.type.Price":
            self.price(item_id, attribute, text)
        elif type_name == "bool":
            if text not in ("yes", "no", "true", "false"):
                self.add(item_id, attribute, f"'{text}' is not yes or no")
        elif type_name == "int64":
            if not text.isdigit():
                self.add(item_id, attribute, f"'{text}' is not a whole number")
        elif attribute in ("link", "image_link", "additional_image_link") and not text.startswith(
            ("https://", "http://")
        ):
            self.add(item_id, attribute, f"'{text}' is not an absolute http(s) address")

    def item(self, record: list[tuple[str, str | dict[str, str]]]) -> str:
        values: dict[str, list] = {}
        for name, value in record:
            values.setdefault(name, []).append(value)
        item_id = str(values.get("id", [""])[0])
        for name in REQUIRED:
            if not values.get(name) or not all(values[name]):
                self.add(item_id, name, "required")
        identifiers_exist = values.get("identifier_exists", ["yes"])[0] not in ("no", "false")
        if identifiers_exist and not values.get("brand"):
            self.add(item_id, "brand", "required unless identifier_exists is no")
        if identifiers_exist and not (values.get("gtin") or values.get("mpn")):
            self.add(item_id, "gtin", "gtin or mpn required unless identifier_exists is no")
        for name, items in values.items():
            spec = self.spec.attribute(name)
            if spec is None:
                self.add(item_id, name, "not an attribute of the specification")
                continue
            if len(items) > 1 and not spec.is_repeated:
                self.add(item_id, name, "given more than once")
            for value in items:
                if isinstance(value, dict):
                    self.group(item_id, name, spec, value)
                else:
                    self.value(item_id, name, spec, value)
        self.lengths(item_id, values)
        return item_id

    def group(self, item_id: str, name: str, spec: FieldSpec, value: dict[str, str]) -> None:
        fields = self.spec.messages.get(spec.type.rsplit(".", 1)[-1])
        if fields is None:
            self.add(item_id, name, "takes a single value, not sub-attributes")
            return
        for sub, text in value.items():
            sub_spec = fields.get(sub)
            if sub_spec is None:
                self.add(item_id, f"{name}.{sub}", f"not a field of {spec.type}")
            else:
                self.value(item_id, f"{name}.{sub}", sub_spec, text)
        if name == "shipping" and not (value.get("country") and value.get("price")):
            self.add(item_id, name, "needs a country and a price")
        if name == "shipping" and value.get("country") and not re.fullmatch(r"[A-Z]{2}", value["country"]):
            self.add(item_id, "shipping.country", f"'{value['country']}' is not an ISO 3166 code")

    def lengths(self, item_id: str, values: dict[str, list]) -> None:
        for name, limit in (
            ("id", MAX_ID_LENGTH),
            ("title", MAX_TITLE_LENGTH),
            ("description", MAX_DESCRIPTION_LENGTH),
        ):
            for value in values.get(name, []):
                if isinstance(value, str) and len(value) > limit:
                    self.add(item_id, name, f"longer than {limit} characters")
        for value in values.get("gtin", []):
            if not gtin_is_valid(value):
                self.add(item_id, "gtin", f"'{value}' is not a valid GTIN")
        for value in values.get("google_product_category", []):
            known = int(value) in self.taxonomy if value.isdigit() else value in self.taxonomy.values()
            if not known:
                self.add(item_id, "google_product_category", f"'{value}' is not in Google's taxonomy")


def _check_all(checker: _Checker, records: list[list[tuple[str, str | dict[str, str]]]]) -> list[Problem]:
    seen: set[str] = set()
    for record in records:
        item_id = checker.item(record)
        if item_id in seen:
            checker.add(item_id, "id", "used by another item")
        seen.add(item_id)
    return checker.problems


def validate_xml(data: bytes, *, spec: Specification, taxonomy: dict[int, str], currency: str) -> list[Problem]:
    """Every problem of an RSS 2.0 feed (empty: it validates). A document that is not such a feed is one problem."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return [Problem("", "", f"not well-formed XML: {error}")]
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        return [Problem("", "", "not an RSS 2.0 document (<rss><channel>)")]
    prefix = f"{{{GOOGLE_NAMESPACE}}}"
    records = []
    for element in channel.iter("item"):
        record: list[tuple[str, str | dict[str, str]]] = []
        for child in element:
            name = child.tag[len(prefix) :] if child.tag.startswith(prefix) else child.tag
            if len(child):
                record.append((name, {sub.tag.removeprefix(prefix): (sub.text or "") for sub in child}))
            else:
                record.append((name, child.text or ""))
        records.append(record)
    return _check_all(_Checker(spec, taxonomy, currency), records)


def validate_tsv(text: str, *, spec: Specification, taxonomy: dict[int, str], currency: str) -> list[Problem]:
    """Every problem of a tab-separated feed (header row of attribute names)."""
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return [Problem("", "", "empty file")]
    header = rows[0]
    records: list[list[tuple[str, str | dict[str, str]]]] = []
    for row in rows[1:]:
        if len(row) != len(header):
            records.append([("id", row[0] if row else "")])
            continue
        record: list[tuple[str, str | dict[str, str]]] = []
        for name, cell in zip(header, row, strict=True):
            if not cell:
                continue
            if name == "shipping":
                country, region, service, price = ([*cell.split(":", 3), "", "", ""])[:4]
                sub = {"country": country, "region": region, "service": service, "price": price}
                record.append((name, {key: value for key, value in sub.items() if value}))
            elif name in ("additional_image_link", "gtin"):
                record += [(name, value) for value in cell.split(",")]
            else:
                record.append((name, cell))
        records.append(record)
    return _check_all(_Checker(spec, taxonomy, currency), records)
