"""Product families and their variants: option groups, option values, the buyer's picker. Pure.

A family names its option groups in order (["Size", "Colour"]); each variant gives one value per group
({"Size": "M", "Colour": "Red"}). Values are compared as typed (after trimming): "M" and "m" are two values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_OPTION_GROUPS = 5
MAX_OPTION_NAME_LENGTH = 40
MAX_OPTION_VALUE_LENGTH = 60


def normalise_option_names(names: object) -> tuple[list[str], str | None]:
    """Return (trimmed names, None) or ([], error). A family has 1 to MAX_OPTION_GROUPS distinct groups
    (case-insensitively distinct: "Size" and "size" are one group)."""
    if not isinstance(names, (list, tuple)) or not names:
        return [], "At least one option group (such as Size or Colour) is required."
    if len(names) > MAX_OPTION_GROUPS:
        return [], f"At most {MAX_OPTION_GROUPS} option groups."
    cleaned: list[str] = []
    for name in names:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_OPTION_NAME_LENGTH:
            return [], f"Each option group has a name of 1 to {MAX_OPTION_NAME_LENGTH} characters."
        cleaned.append(" ".join(name.split()))
    if len({name.casefold() for name in cleaned}) != len(cleaned):
        return [], "Option groups must have different names."
    return cleaned, None


def normalise_option_values(option_names: Sequence[str], values: object) -> tuple[dict[str, str], dict[str, str]]:
    """Return (values in the family's group order, {}) or ({}, field errors keyed `option_values.<group>`).

    The keys must be exactly the family's groups; each value is a non-empty string of at most
    MAX_OPTION_VALUE_LENGTH characters (inner runs of spaces collapsed). Ordering the keys as the family does
    gives one stored form per combination, which the database's uniqueness relies on."""
    if not isinstance(values, Mapping):
        return {}, {"option_values": "An object giving a value for each option group."}
    field_errors: dict[str, str] = {}
    unknown = [key for key in values if key not in option_names]
    if unknown:
        field_errors["option_values"] = (
            f"Unknown option group(s): {', '.join(str(key) for key in unknown)}; "
            f"this family has {', '.join(option_names)}."
        )
    cleaned: dict[str, str] = {}
    for name in option_names:
        value = values.get(name)
        if not isinstance(value, str) or not value.strip():
            field_errors[f"option_values.{name}"] = "A value is required."
        elif len(value.strip()) > MAX_OPTION_VALUE_LENGTH:
            field_errors[f"option_values.{name}"] = f"At most {MAX_OPTION_VALUE_LENGTH} characters."
        else:
            cleaned[name] = " ".join(value.split())
    if field_errors:
        return {}, field_errors
    return cleaned, {}


def combination_key(option_names: Sequence[str], values: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(values[name] for name in option_names)


def variant_label(option_names: Sequence[str], values: Mapping[str, str]) -> str:
    """ "M / Red": the values in the family's group order."""
    return " / ".join(values[name] for name in option_names if name in values)


def option_value_lists(option_names: Sequence[str], variants: Iterable[Mapping[str, str]]) -> dict[str, list[str]]:
    """Each group's values, in the order they first appear among the variants (the seller's order)."""
    lists: dict[str, list[str]] = {name: [] for name in option_names}
    for values in variants:
        for name in option_names:
            value = values.get(name)
            if value is not None and value not in lists[name]:
                lists[name].append(value)
    return lists


@dataclass(frozen=True)
class VariantChoice:
    """A variant as the picker sees it."""

    variant_id: int
    option_values: Mapping[str, str]
    is_available: bool


@dataclass(frozen=True)
class PickerValue:
    value: str
    variant_id: int | None  # the variant this choice leads to (None: no variant has it with the other choices)
    is_selected: bool
    is_available: bool  # the variant it leads to can be bought (an offer with stock)
    is_exact: bool  # the variant it leads to keeps every other selected value


@dataclass(frozen=True)
class PickerGroup:
    name: str
    values: tuple[PickerValue, ...]


def choose_variant(
    option_names: Sequence[str], variants: Sequence[VariantChoice], selected: Mapping[str, str]
) -> VariantChoice | None:
    """The variant matching every selected value; failing that, the one matching most of them in group order
    (an available one first); None only without variants. So a partial or stale choice still lands on a variant."""
    if not variants:
        return None

    def score(variant: VariantChoice) -> tuple[int, ...]:
        matches = tuple(int(selected.get(name) == variant.option_values.get(name)) for name in option_names)
        return (sum(matches), *matches, int(variant.is_available))

    return max(variants, key=score)


def build_picker(
    option_names: Sequence[str], variants: Sequence[VariantChoice], current: VariantChoice
) -> list[PickerGroup]:
    """One group per option, each value leading to a variant: the one that keeps every other value of `current`
    if it exists (exact), else the closest one (as `choose_variant`). Links built from this work without
    JavaScript: a value is a link to its variant."""
    value_lists = option_value_lists(option_names, [variant.option_values for variant in variants])
    groups: list[PickerGroup] = []
    for name in option_names:
        values: list[PickerValue] = []
        for value in value_lists[name]:
            wanted = {**current.option_values, name: value}
            target = choose_variant(
                option_names, [variant for variant in variants if variant.option_values.get(name) == value], wanted
            )
            is_exact = target is not None and all(
                target.option_values.get(other) == wanted.get(other) for other in option_names
            )
            values.append(
                PickerValue(
                    value=value,
                    variant_id=target.variant_id if target else None,
                    is_selected=current.option_values.get(name) == value,
                    is_available=bool(target and target.is_available),
                    is_exact=is_exact,
                )
            )
        groups.append(PickerGroup(name=name, values=tuple(values)))
    return groups
