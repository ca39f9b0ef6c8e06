"""The pure rules of option groups and values, and the buyer's variant picker (no database)."""

from comptoir.catalog.domain.variants import (
    VariantChoice,
    build_picker,
    choose_variant,
    normalise_option_names,
    normalise_option_values,
    option_value_lists,
    variant_label,
)

NAMES = ["Size", "Colour"]
VARIANTS = [
    VariantChoice(1, {"Size": "S", "Colour": "Red"}, True),
    VariantChoice(2, {"Size": "M", "Colour": "Red"}, True),
    VariantChoice(3, {"Size": "M", "Colour": "Navy"}, False),
    VariantChoice(4, {"Size": "L", "Colour": "Navy"}, True),
]


def test_option_names_are_trimmed_and_must_differ():
    assert normalise_option_names([" Size ", "Colour  name"]) == (["Size", "Colour name"], None)
    assert normalise_option_names(["Size", "SIZE"])[1] == "Option groups must have different names."
    assert normalise_option_names(None)[1] is not None


def test_option_values_come_back_in_the_family_order():
    values, errors = normalise_option_values(NAMES, {"Colour": " Sky  blue ", "Size": "M"})

    assert errors == {} and list(values.items()) == [("Size", "M"), ("Colour", "Sky blue")]
    assert normalise_option_values(NAMES, {"Size": "M"})[1] == {"option_values.Colour": "A value is required."}
    assert "option_values" in normalise_option_values(NAMES, {"Size": "M", "Colour": "Red", "Fit": "x"})[1]


def test_labels_and_value_lists_follow_the_seller_order():
    assert variant_label(NAMES, {"Colour": "Red", "Size": "M"}) == "M / Red"
    assert option_value_lists(NAMES, [variant.option_values for variant in VARIANTS]) == {
        "Size": ["S", "M", "L"],
        "Colour": ["Red", "Navy"],
    }


def test_choose_variant_prefers_every_value_then_the_first_groups_then_availability():
    assert choose_variant(NAMES, VARIANTS, {"Size": "M", "Colour": "Navy"}).variant_id == 3
    assert choose_variant(NAMES, VARIANTS, {"Size": "L", "Colour": "Red"}).variant_id == 4  # size kept first
    assert choose_variant(NAMES, VARIANTS, {"Colour": "Navy"}).variant_id == 4  # the available navy one
    assert choose_variant(NAMES, [], {"Size": "M"}) is None


def test_picker_values_lead_to_the_variant_keeping_the_other_choices():
    groups = build_picker(NAMES, VARIANTS, VARIANTS[1])  # M / Red

    sizes = {item.value: item for item in groups[0].values}
    colours = {item.value: item for item in groups[1].values}
    assert (sizes["S"].variant_id, sizes["S"].is_exact) == (1, True)
    assert (sizes["L"].variant_id, sizes["L"].is_exact) == (4, False)  # no L / Red: L / Navy
    assert sizes["M"].is_selected and colours["Red"].is_selected
    assert (colours["Navy"].variant_id, colours["Navy"].is_available) == (3, False)
