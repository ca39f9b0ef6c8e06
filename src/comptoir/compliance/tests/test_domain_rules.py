"""The evaluator, one rule kind at a time: no database."""

import datetime as dt

import pytest

from comptoir.compliance.domain.rules import (
    OfferFacts,
    Reason,
    Rule,
    blocked_markets,
    expand_countries,
    reasons_for,
    ruled_countries,
)

DAY = dt.date(2026, 12, 7)


def rule(code="r", requirement="manufacturer", countries=("EU",), categories=(), **extra) -> Rule:
    return Rule(
        code=code,
        requirement=requirement,
        countries=expand_countries(countries),
        categories=frozenset(categories),
        **extra,
    )


def facts(**overrides) -> OfferFacts:
    values = dict(
        offer_id=1,
        seller_country="FR",
        category_slugs=("home", "kitchen", "knives"),
        has_manufacturer=True,
        has_manufacturer_address=True,
        has_picture=True,
        has_warnings=True,
        is_ce_marked=True,
        has_responsible_person=False,
        registrations=frozenset(),
    )
    values.update(overrides)
    return OfferFacts(**values)


def test_eu_expands_to_the_27_member_states():
    countries = expand_countries(["EU", "GB"])
    assert len(countries) == 28 and {"FR", "DE", "GR", "GB"} <= countries and "CH" not in countries


def test_manufacturer_rule_blocks_an_unnamed_manufacturer_in_every_member_state_only():
    rules = [rule("eu_gpsr_manufacturer", "manufacturer")]
    blocked = blocked_markets(facts(has_manufacturer=False), rules=rules, day=DAY)
    assert len(blocked) == 27 and "GB" not in blocked
    assert blocked["DE"] == (Reason("eu_gpsr_manufacturer", "manufacturer_missing"),)
    assert blocked_markets(facts(), rules=rules, day=DAY) == {}


def test_responsible_person_is_asked_only_of_sellers_outside_the_eu():
    rules = [rule("eu_gpsr_responsible_person", "responsible_person")]
    assert reasons_for(facts(seller_country="DE"), country="FR", rules=rules, day=DAY) == ()
    assert reasons_for(facts(seller_country="US"), country="FR", rules=rules, day=DAY) == (
        Reason("eu_gpsr_responsible_person", "responsible_person_missing"),
    )
    assert (
        reasons_for(facts(seller_country="US", has_responsible_person=True), country="FR", rules=rules, day=DAY) == ()
    )
    assert reasons_for(facts(seller_country="US"), country="GB", rules=rules, day=DAY) == ()


def test_picture_and_warnings_rules():
    rules = [rule("pic", "picture"), rule("warn", "warnings", categories=["knives"])]
    reasons = reasons_for(facts(has_picture=False, has_warnings=False), country="IT", rules=rules, day=DAY)
    assert [reason.code for reason in reasons] == ["picture_missing", "warnings_missing"]
    # The warnings rule covers knives only.
    other = facts(category_slugs=("books",), has_picture=True, has_warnings=False)
    assert reasons_for(other, country="IT", rules=rules, day=DAY) == ()


def test_registration_is_per_scheme_and_destination_country():
    rules = [
        rule("fr_epr_packaging", "registration", countries=["FR"], scheme="fr_epr_packaging"),
        rule("de_lucid_packaging", "registration", countries=["DE"], scheme="de_lucid"),
    ]
    registered = facts(registrations=frozenset({("fr_epr_packaging", "FR")}))
    assert reasons_for(registered, country="FR", rules=rules, day=DAY) == ()
    assert reasons_for(registered, country="DE", rules=rules, day=DAY) == (
        Reason("de_lucid_packaging", "registration_missing", "de_lucid"),
    )
    assert reasons_for(registered, country="ES", rules=rules, day=DAY) == ()
    # A number recorded for another country does not count.
    battery = [rule("eu_batteries_epr", "registration", scheme="battery_epr")]
    elsewhere = facts(registrations=frozenset({("battery_epr", "FR")}))
    assert set(blocked_markets(elsewhere, rules=battery, day=DAY)) == expand_countries(["EU"]) - {"FR"}


def test_ce_marking_and_prohibited_categories():
    rules = [
        rule("eu_batteries_ce", "ce_marking", categories=["phones"]),
        rule("gb_bladed_items", "prohibited", countries=["GB"], categories=["knives"]),
    ]
    phone = facts(category_slugs=("electronics", "phones", "smartphones"), is_ce_marked=False)
    assert [reason.code for reason in reasons_for(phone, country="PL", rules=rules, day=DAY)] == ["ce_marking_missing"]
    assert reasons_for(phone, country="GB", rules=rules, day=DAY) == ()
    knife = facts()
    assert blocked_markets(knife, rules=rules, day=DAY) == {
        "GB": (Reason("gb_bladed_items", "prohibited_for_destination"),)
    }


def test_rules_apply_only_on_the_days_they_are_in_force():
    dated = [rule("later", "picture", effective_from=dt.date(2027, 1, 1), effective_to=dt.date(2028, 1, 1))]
    offer = facts(has_picture=False)
    assert blocked_markets(offer, rules=dated, day=dt.date(2026, 12, 31)) == {}
    assert "FR" in blocked_markets(offer, rules=dated, day=dt.date(2027, 1, 1))
    assert blocked_markets(offer, rules=dated, day=dt.date(2028, 1, 1)) == {}  # effective_to is excluded
    assert ruled_countries(dated, day=DAY) == []


def test_a_country_is_upper_cased_and_every_unmet_rule_is_a_reason():
    rules = [rule("a", "manufacturer"), rule("b", "picture")]
    reasons = reasons_for(facts(has_manufacturer=False, has_picture=False), country="fr", rules=rules, day=DAY)
    assert [reason.as_dict() for reason in reasons] == [
        {"rule": "a", "code": "manufacturer_missing"},
        {"rule": "b", "code": "picture_missing"},
    ]


@pytest.mark.parametrize(
    "extra",
    [
        {"requirement": "unknown"},
        {"requirement": "registration"},  # no scheme
        {"requirement": "picture", "scheme": "de_lucid"},
        {"requirement": "registration", "scheme": "nope"},
        {"effective_from": dt.date(2026, 1, 1), "effective_to": dt.date(2026, 1, 1)},
    ],
)
def test_malformed_rules_are_refused(extra):
    values = {"requirement": "picture", **extra}
    with pytest.raises(ValueError):
        rule("bad", **values)


def test_a_named_manufacturer_without_its_address_is_blocked_with_its_own_reason():
    rules = [rule("eu_gpsr_manufacturer", "manufacturer")]
    named = facts(has_manufacturer=True, has_manufacturer_address=False)
    assert reasons_for(named, country="FR", rules=rules, day=DAY) == (
        Reason("eu_gpsr_manufacturer", "manufacturer_address_missing"),
    )
    addressed = facts(has_manufacturer=True, has_manufacturer_address=True)
    assert reasons_for(addressed, country="FR", rules=rules, day=DAY) == ()


def test_excise_goods_are_refused_only_towards_another_member_state():
    excise = rule(code="eu_excise_distance_sales", requirement="excise_in_country")
    wine = facts(is_excise=True, seller_country="FR", goods_country="FR")

    assert reasons_for(wine, country="FR", rules=[excise], day=DAY) == ()
    assert reasons_for(wine, country="DE", rules=[excise], day=DAY) == (
        Reason("eu_excise_distance_sales", "excise_goods_other_member_state"),
    )
    # goods kept in Germany by the French seller are sold in Germany, not in France
    stored_in_germany = facts(is_excise=True, seller_country="FR", goods_country="DE")
    assert set(blocked_markets(stored_in_germany, rules=[excise], day=DAY)) == expand_countries(["EU"]) - {"DE"}
    # imports clear customs (excise and import VAT collected there), other goods are not concerned
    assert reasons_for(facts(is_excise=True, seller_country="US"), country="DE", rules=[excise], day=DAY) == ()
    assert reasons_for(facts(is_excise=False), country="DE", rules=[excise], day=DAY) == ()
