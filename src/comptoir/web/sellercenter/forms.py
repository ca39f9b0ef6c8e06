"""Input parsing for the seller center. Forms only parse and check shapes; the services decide."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import cast

import pycountry
from babel import Locale
from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal
from django import forms
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

from comptoir.offers.models import Condition
from comptoir.orders.domain.carriers import BY_CODE, CARRIERS
from comptoir.sellers.models import ApiScope
from comptoir.webhooks.models import WebhookEventType

MAX_BULK_LINES = 5000


def active_locale() -> str:
    return to_locale(get_language() or "en")


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country, named and sorted in the visitor's language."""
    territories = Locale.parse(active_locale()).territories
    choices = [(country.alpha_2, territories.get(country.alpha_2, country.name)) for country in pycountry.countries]
    return [("", _("Choose a country")), *sorted(choices, key=lambda item: item[1].casefold())]


class LocalisedDecimalField(forms.CharField):
    """A decimal typed as the visitor's locale writes it: "12,34" in French, "12.34" in English."""

    default_error_messages = {"invalid": _("Enter an amount such as %(example)s.")}
    MAX_CHARACTERS = 24

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)  # the length is checked on the text, before it becomes a Decimal
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_CHARACTERS:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"example": "12.34"})
        locale = active_locale()
        try:
            # People type a plain space where the locale groups digits with a (narrow) no-break space.
            group = get_group_symbol(locale)
            text = "".join(group if character in " \xa0\u202f" else character for character in value.strip())
            number = parse_decimal(text, locale=locale, strict=True)
        except NumberFormatError as error:
            from babel.numbers import format_decimal

            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"example": format_decimal(Decimal("12.34"), locale=locale)},
            ) from error
        if not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"example": "12.34"})
        return number


def localised_decimal(amount_minor: int, exponent: int) -> str:
    """An amount in minor units written for an input in the visitor's locale, without grouping (1234,5 → "1234,50")."""
    from babel.numbers import format_decimal

    value = Decimal(amount_minor).scaleb(-exponent)
    pattern = "0." + "0" * exponent if exponent else "0"
    return format_decimal(value, format=pattern, locale=active_locale())


# --- Onboarding -------------------------------------------------------------------------------


class ShopStepForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=120, help_text=_("Shown to buyers on every offer."))


class TraderStepForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Legal name"), max_length=200, help_text=_("As registered, e.g. Atelier Dupont SARL.")
    )
    street = forms.CharField(label=_("Street address"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ChoiceField(label=_("Country of establishment"))
    phone = forms.CharField(
        label=_("Phone"), max_length=40, help_text=_("International format, e.g. +33 1 23 45 67 89.")
    )
    email = forms.EmailField(label=_("Contact email"), max_length=254)
    trade_register = forms.CharField(
        label=_("Trade register"), max_length=200, help_text=_("e.g. RCS Paris, Handelsregister B München.")
    )
    trade_register_number = forms.CharField(label=_("Registration number"), max_length=100)
    vat_id = forms.CharField(
        label=_("VAT identification number"),
        max_length=20,
        help_text=_("With or without the country prefix, e.g. FR40303265045."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()


class PayoutStepForm(forms.Form):
    iban = forms.CharField(
        label=_("IBAN for payouts"),
        max_length=42,
        help_text=_("Stored encrypted; only its last four characters are shown afterwards."),
    )
    self_certified = forms.BooleanField(
        label=_(
            "I certify that I only offer products and services that comply with the applicable rules of European Union "
            "law."
        ),
        required=False,
    )


# --- Offers -------------------------------------------------------------------------------------


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All offers")),
            ("active", _("Active")),
            ("inactive", _("Paused")),
            ("low_stock", _("Low stock")),
            ("out_of_stock", _("Out of stock")),
        ],
    )


class ProductSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Product name or GTIN"),
        min_length=2,
        max_length=200,
        help_text=_("A few words of the name or the brand, or the barcode's digits."),
    )


class GtinLookupForm(forms.Form):
    gtin = forms.CharField(
        label=_("GTIN / EAN barcode"),
        max_length=20,
        help_text=_("8, 12, 13 or 14 digits, as printed under the barcode."),
    )


class OfferTermsForm(forms.Form):
    sku = forms.CharField(
        label=_("Your SKU"), max_length=100, help_text=_("Your own reference; used for bulk stock updates.")
    )
    price = LocalisedDecimalField(label=_("Price"), max_length=20)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.NEW)
    condition_note = forms.CharField(label=_("Condition note"), max_length=300, required=False)
    handling_days = forms.IntegerField(label=_("Handling time (business days)"), min_value=0, max_value=30, initial=1)
    shipping_profile = forms.TypedChoiceField(label=_("Shipping profile"), coerce=int)
    return_policy_days = forms.IntegerField(label=_("Return period (days)"), min_value=0, max_value=365, initial=14)

    def __init__(self, *args, shipping_profiles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_profile"].choices = [(profile.pk, profile.name) for profile in shipping_profiles]


class NewProductForm(forms.Form):
    title = forms.CharField(label=_("Product title"), max_length=300)
    brand = forms.CharField(label=_("Brand"), max_length=120, required=False)
    gtin = forms.CharField(
        label=_("GTIN / EAN barcode"),
        max_length=20,
        required=False,
        help_text=_("Leave empty for products without a barcode."),
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    hs_code = forms.RegexField(
        label=_("HS code"),
        regex=r"^[0-9]{6,10}$",
        max_length=10,
        required=False,
        help_text=_("The customs tariff code (6 to 10 digits). Duties on imports are computed from it."),
        error_messages={"invalid": _("An HS code has 6 to 10 digits.")},
    )
    country_of_origin = forms.RegexField(
        label=_("Country of origin"),
        regex=r"^[A-Za-z]{2}$",
        max_length=2,
        required=False,
        help_text=_("Where the product was made: a two-letter country code such as CN or IT."),
        error_messages={"invalid": _("Use an ISO 3166 two-letter country code.")},
    )
    weight_grams = forms.IntegerField(label=_("Net weight (g)"), min_value=1, max_value=10_000_000, required=False)
    gross_weight_grams = forms.IntegerField(
        label=_("Gross weight with packing (g)"),
        min_value=1,
        max_value=10_000_000,
        required=False,
        help_text=_("Some countries levy duties by weight (Switzerland: per 100 kg gross)."),
    )
    volume_millilitres = forms.IntegerField(
        label=_("Volume (ml)"),
        min_value=1,
        max_value=10_000_000,
        required=False,
        help_text=_("For liquids: some duties are levied per litre."),
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category"))] + [
            (category.pk, ("— " * category.depth) + category.name) for category in categories
        ]


class OfferInlineForm(forms.Form):
    price = LocalisedDecimalField(label=_("Price"), max_length=20)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)


class BulkStockForm(forms.Form):
    lines = forms.CharField(
        label=_("SKU and stock, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("For example: MUG-001,25"),
    )
    file = forms.FileField(
        label=_("…or upload a CSV file"),
        required=False,
        help_text=_("Two columns: SKU, stock. A header line is allowed."),
    )

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("lines") or ""
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > 2_000_000:
                raise forms.ValidationError(_("The file is too large (2 MB at most)."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("The file must be UTF-8 text.")) from error
        if not text.strip():
            raise forms.ValidationError(_("Enter at least one line, or choose a file."))
        stock_by_sku: dict[str, int] = {}
        problems: list[str] = []
        rows = [
            row
            for row in csv.reader(io.StringIO(text), delimiter=";" if ";" in text and "," not in text else ",")
            if any(cell.strip() for cell in row)
        ]
        if len(rows) > MAX_BULK_LINES:
            raise forms.ValidationError(_("At most %(count)s lines at once."), params={"count": MAX_BULK_LINES})
        for number, row in enumerate(rows, start=1):
            cells = [cell.strip() for cell in row]
            if number == 1 and len(cells) >= 2 and cells[0].lower() == "sku":
                continue
            if len(cells) != 2 or not cells[0]:
                problems.append(_("Line %(number)s: expected “SKU,stock”.") % {"number": number})
                continue
            sku, quantity = cells
            if not (quantity.isascii() and quantity.isdigit()):
                problems.append(
                    _("Line %(number)s (%(sku)s): the stock must be a whole number.") % {"number": number, "sku": sku}
                )
                continue
            if sku in stock_by_sku:
                problems.append(_("Line %(number)s: %(sku)s appears twice.") % {"number": number, "sku": sku})
                continue
            stock_by_sku[sku] = int(quantity)
        if problems:
            raise forms.ValidationError(problems)
        cleaned["stock_by_sku"] = stock_by_sku
        return cleaned


class ShippingProfileForm(forms.Form):
    name = forms.CharField(label=_("Profile name"), max_length=100, initial=_("Standard"))
    countries = forms.CharField(
        label=_("Destination countries"),
        max_length=400,
        initial="*",
        help_text=_("ISO codes separated by commas (FR, BE, DE), or * for everywhere."),
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    first_item = LocalisedDecimalField(label=_("Price for the first item"))
    additional_item = LocalisedDecimalField(label=_("Price for each additional item"), required=False)
    transit_days_min = forms.IntegerField(label=_("Transit time from (days)"), min_value=0, max_value=90, initial=2)
    transit_days_max = forms.IntegerField(label=_("to (days)"), min_value=0, max_value=90, initial=4)


# --- Orders ----------------------------------------------------------------------------------

ORDER_FILTERS = [
    ("", _("All")),
    ("placed", _("To accept")),
    ("accepted", _("To ship")),
    ("late", _("Late")),
    ("shipped", _("Shipped")),
    ("delivered", _("Delivered")),
    ("return_requested", _("Return requested")),
    ("returned", _("Returned")),
    ("completed", _("Completed")),
    ("cancelled", _("Cancelled")),
    ("refunded", _("Refunded")),
]


OTHER_CARRIER = "other"


class ShipForm(forms.Form):
    """The carrier from the list (its tracking numbers become links for the buyer), or another one typed in."""

    carrier = forms.ChoiceField(
        label=_("Carrier"),
        choices=[
            ("", _("Choose the carrier")),
            *((carrier.code, carrier.name) for carrier in CARRIERS),
            (OTHER_CARRIER, _("Another carrier (type its name)")),
        ],
    )
    carrier_other = forms.CharField(label=_("Other carrier's name"), max_length=60, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80)

    def clean(self):
        data = super().clean()
        if data.get("carrier") == OTHER_CARRIER and not (data.get("carrier_other") or "").strip():
            self.add_error("carrier_other", _("Type the carrier's name."))
        return data

    def carrier_name(self) -> str:
        """The name stored on the seller order: the listed carrier's name, or the one typed in."""
        code = self.cleaned_data["carrier"]
        return self.cleaned_data["carrier_other"].strip() if code == OTHER_CARRIER else BY_CODE[code].name


class ReturnPolicyForm(forms.Form):
    """The seller's return address and instructions (what a buyer is given once a return is accepted)."""

    name = forms.CharField(label=_("Name or company"), max_length=200)
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.CharField(label=_("Country (two-letter code)"), max_length=2, min_length=2)
    instructions = forms.CharField(
        label=_("Return instructions"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How to pack the items, whether a label is included, opening hours of the address."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the buyer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class ReceiveReturnForm(forms.Form):
    restock = forms.BooleanField(label=_("Put the items back in stock"), required=False, initial=True)


class CreditNoteForm(forms.Form):
    """A credit note for a released order: units to give back per line (`line_<id>`, at most what is left), the
    shipping, a reason. `key` is the form's idempotency key, drawn when the form is shown: submitting the same form
    twice issues one note."""

    reason = forms.CharField(label=_("Reason for the buyer"), max_length=300, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=120)

    def __init__(self, *args, creditable=(), titles=None, **kwargs):
        super().__init__(*args, **kwargs)
        titles = titles or {}
        self.line_fields: list[str] = []
        for line in creditable:
            # The duty follows the goods; a line chargebacks gave back entirely has nothing left to refund.
            if line.remaining_quantity <= 0 or line.remaining_gross <= 0 or str(line.key).startswith("duty"):
                continue
            if line.key == "shipping":
                self.fields["shipping"] = forms.BooleanField(label=_("Shipping"), required=False)
                self.line_fields.append("shipping")
                continue
            name = f"line_{line.key}"
            self.fields[name] = forms.IntegerField(
                label=titles.get(line.key, str(line.key)),
                min_value=0,
                max_value=line.remaining_quantity,
                initial=0,
                required=False,
                help_text=_("At most %(count)s") % {"count": line.remaining_quantity},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.line_fields.append(name)
        self.order_fields(["reason", *self.line_fields, "key"])

    def quantities(self) -> dict[int | str, int]:
        """{order line id or "shipping": units} of the valid form."""
        chosen: dict[int | str, int] = {}
        for name in self.line_fields:
            value = self.cleaned_data.get(name)
            if name == "shipping":
                if value:
                    chosen["shipping"] = 1
            elif value:
                chosen[int(name.removeprefix("line_"))] = int(value)
        return chosen

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError(_("Choose at least one unit or the shipping to refund."))
        return cleaned


# --- Money -----------------------------------------------------------------------------------

PERIODS = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("all", _("All time")),
    ("custom", _("Custom dates")),
]


class StatementFilterForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, currencies=("EUR",), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(code, code) for code in currencies]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be on or after the start date."))
        return cleaned


# --- Team ----------------------------------------------------------------------------------------


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Email address of an existing account"))


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(label=_("Key name"), max_length=100, help_text=_("Where the key is used, e.g. “ERP sync”."))
    scopes = forms.MultipleChoiceField(label=_("Permissions"), widget=forms.CheckboxSelectMultiple, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(scope.value, SCOPE_LABELS[scope.value]) for scope in ApiScope]


SCOPE_LABELS = {
    ApiScope.OFFERS_READ.value: _("Read offers"),
    ApiScope.OFFERS_WRITE.value: _("Create and change offers and stock"),
    ApiScope.ORDERS_READ.value: _("Read orders"),
    ApiScope.ORDERS_WRITE.value: _("Act on orders (accept, ship, cancel, returns)"),
    ApiScope.FINANCE_READ.value: _("Read balance and statement"),
    ApiScope.WEBHOOKS_MANAGE.value: _("Manage webhook endpoints, read and replay deliveries"),
}


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "")


class TwoFactorVerifyForm(forms.Form):
    """The code asked of a session that has not proved its second factor: an authenticator code or a recovery code."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class TwoFactorPolicyForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every team member"), required=False
    )


MAX_FAMILY_COMBINATIONS = 200


def _option_values(text: str) -> list[str]:
    """ "S, M, L" → ["S", "M", "L"] (blanks and repeats dropped, order kept)."""
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


class ProductFamilyForm(forms.Form):
    """A product sold in several variants: its shared description and up to three option groups with their values;
    every combination becomes a variant."""

    title = forms.CharField(label=_("Product title"), max_length=300)
    brand = forms.CharField(label=_("Brand"), max_length=120, required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    option1_name = forms.CharField(label=_("First option"), max_length=40, initial=_("Size"))
    option1_values = forms.CharField(
        label=_("Its values"), max_length=1000, help_text=_("Separated by commas, for example: S, M, L, XL")
    )
    option2_name = forms.CharField(label=_("Second option"), max_length=40, required=False, initial=_("Colour"))
    option2_values = forms.CharField(label=_("Its values"), max_length=1000, required=False)
    option3_name = forms.CharField(label=_("Third option"), max_length=40, required=False)
    option3_values = forms.CharField(label=_("Its values"), max_length=1000, required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category"))] + [
            (category.pk, ("— " * category.depth) + category.name) for category in categories
        ]

    def clean(self):
        data = super().clean()
        groups: list[tuple[str, list[str]]] = []
        for number in (1, 2, 3):
            name = (data.get(f"option{number}_name") or "").strip()
            values = _option_values(data.get(f"option{number}_values") or "")
            if name and not values:
                self.add_error(f"option{number}_values", _("Give at least one value."))
            elif values and not name:
                self.add_error(f"option{number}_name", _("Name this option."))
            elif name:
                groups.append((name, values))
        combinations = 1
        for _name, values in groups:
            combinations *= len(values)
        if groups and combinations > MAX_FAMILY_COMBINATIONS:
            self.add_error(
                None,
                _("%(count)s combinations: at most %(maximum)s variants at once.")
                % {"count": combinations, "maximum": MAX_FAMILY_COMBINATIONS},
            )
        data["groups"] = groups
        return data


class VariantOfferForm(forms.Form):
    """One row of a family's variant grid: the variant's GTIN and the seller's offer on it (all optional: a row
    without SKU, price and stock creates no offer)."""

    gtin = forms.CharField(label=_("GTIN / EAN barcode"), max_length=20, required=False)
    sku = forms.CharField(label=_("Your SKU"), max_length=100, required=False)
    price = LocalisedDecimalField(label=_("Price"), required=False)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000, required=False)

    def clean(self):
        data = super().clean()
        offer_fields = [data.get("sku"), data.get("price"), data.get("stock")]
        if any(value not in (None, "") for value in offer_fields) and any(
            value in (None, "") for value in offer_fields
        ):
            self.add_error(None, _("Give the SKU, the price and the stock to offer this variant."))
        return data

    @property
    def offers_variant(self) -> bool:
        return self.is_valid() and bool(self.cleaned_data.get("sku"))


class VariantAddForm(forms.Form):
    """A variant the family lacks: one value per option group (fields `option_<index>`) and its GTIN."""

    gtin = forms.CharField(label=_("GTIN / EAN barcode"), max_length=20, required=False)

    def __init__(self, *args, option_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.option_names = list(option_names)
        for index, name in enumerate(self.option_names):
            self.fields[f"option_{index}"] = forms.CharField(label=name, max_length=60)
        self.order_fields([*(f"option_{index}" for index in range(len(self.option_names))), "gtin"])

    def option_values(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"option_{index}"] for index, name in enumerate(self.option_names)}


class SettlementCurrencyForm(forms.Form):
    """The currency the shop is settled and paid out in: one of the marketplace's display currencies, or the one the
    shop had (kept even when not in the list), or none (each order in its offers' currency)."""

    settlement_currency = forms.ChoiceField(label=_("Settled and paid out in"), required=False)

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from comptoir.currencies.domain.rates import DISPLAY_CURRENCIES

        codes = list(DISPLAY_CURRENCIES) + ([current] if current and current not in DISPLAY_CURRENCIES else [])
        field = self.fields["settlement_currency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The currency of each offer"))] + [(code, code) for code in codes]
        field.initial = current


class WebhookEndpointForm(forms.Form):
    """Add or change a webhook endpoint (the service checks the URL: https, public address)."""

    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("An https:// address of your system that accepts POST requests."),
        widget=forms.URLInput(attrs={"placeholder": "https://erp.example.com/hooks/comptoir"}),
    )
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=WebhookEventType.choices
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, with_active: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_active:
            del self.fields["is_active"]


class CatalogImportForm(forms.Form):
    """A shop export for a dry run (connectors.services.import_job_create checks the rest)."""

    FORMAT_CHOICES = [
        ("shopify", _("Shopify product CSV")),
        ("woocommerce", _("WooCommerce product CSV")),
        ("woocommerce-wxr", _("WooCommerce WXR (WordPress export)")),
        ("prestashop", _("PrestaShop products (and combinations)")),
        ("magento", _("Magento 2 catalog export")),
    ]

    format = forms.ChoiceField(label=_("Shop"), choices=FORMAT_CHOICES)
    file = forms.FileField(label=_("Export file"))
    combinations = forms.FileField(label=_("PrestaShop combinations file"), required=False)
    stock_sources = forms.FileField(label=_("Magento stock sources file"), required=False)
    shipping_profile = forms.TypedChoiceField(label=_("Shipping profile"), coerce=int, choices=())
    default_category = forms.TypedChoiceField(
        label=_("Category for products whose category matches none of ours"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
    )
    untracked_stock = forms.IntegerField(
        label=_("Stock of products your shop does not count"), min_value=0, max_value=1_000_000, initial=0
    )

    def __init__(self, *args, profiles=(), categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["shipping_profile"]).choices = [
            (profile.pk, profile.name) for profile in profiles
        ]
        cast(forms.ChoiceField, self.fields["default_category"]).choices = [("", _("None: report them"))] + [
            (category.pk, ("— " * category.depth) + category.name) for category in categories
        ]


def _scheme_choices() -> list[tuple[str, object]]:
    from comptoir.compliance.reasons import SCHEME_LABELS

    return [("", _("Choose a registration")), *((code, str(label)) for code, label in SCHEME_LABELS.items())]


class RegistrationForm(forms.Form):
    """A producer registration the country rules ask for (the service checks scheme and country together)."""

    scheme = forms.ChoiceField(label=_("Registration"))
    country = forms.ChoiceField(label=_("Country"))
    number = forms.CharField(label=_("Registration number"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = _scheme_choices()
        self.fields["country"].choices = country_choices()


class ResponsiblePersonForm(forms.Form):
    """The EU responsible person of a seller established outside the EU (GPSR Art. 16)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Postal address"), max_length=300)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    country = forms.ChoiceField(label=_("Country"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()


class TaxIdentityForm(forms.Form):
    """What a DAC7 report needs that onboarding did not ask (docs/TAXES.md, "Returns and DAC7")."""

    legal_form = forms.ChoiceField(
        label=_("Legal form"),
        choices=[("", "—"), ("individual", _("Individual")), ("entity", _("Company or other entity"))],
        required=False,
    )
    tin = forms.CharField(label=_("Tax identification number (TIN)"), max_length=40, required=False)
    tin_country = forms.ChoiceField(label=_("Country that issued the TIN"), required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth (individuals)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tin_country"].choices = [("", "—"), *country_choices()]


class ManufacturerForm(forms.Form):
    """A manufacturer's postal and electronic address (GPSR Art. 19(a)), named as the products name it."""

    name = forms.CharField(
        label=_("Manufacturer"), max_length=200, help_text=_("As your products name it: brand or manufacturer.")
    )
    address = forms.CharField(label=_("Postal address"), max_length=300)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    country = forms.ChoiceField(label=_("Country"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
