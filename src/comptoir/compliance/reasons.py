"""Human, translated wording of the evaluator's reasons (the reason codes stay what is stored and sent)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.compliance.domain import rules as domain

SCHEME_LABELS = {
    "fr_epr_packaging": _("French EPR unique ID (household packaging)"),
    "fr_epr_eee": _("French EPR unique ID (electrical and electronic equipment)"),
    "fr_epr_textile": _("French EPR unique ID (clothing, shoes and linen)"),
    "fr_epr_furniture": _("French EPR unique ID (furniture)"),
    "fr_epr_toys": _("French EPR unique ID (toys)"),
    "fr_epr_sports": _("French EPR unique ID (sports and leisure goods)"),
    "fr_epr_diy_garden": _("French EPR unique ID (DIY and garden goods)"),
    "de_lucid": _("German LUCID packaging registration number"),
    "de_weee": _("German ElektroG WEEE registration number"),
    "battery_epr": _("Battery producer registration number"),
}

_MESSAGES = {
    "manufacturer_missing": _("The product does not name its manufacturer (EU product safety regulation)."),
    "manufacturer_address_missing": _(
        "The seller has not given the manufacturer's postal and electronic address (EU product safety regulation)."
    ),
    "responsible_person_missing": _(
        "A seller established outside the EU needs a responsible person in the EU (EU product safety regulation)."
    ),
    "picture_missing": _("The product has no picture (EU product safety regulation)."),
    "warnings_missing": _("The product shows no safety warnings (EU product safety regulation)."),
    "registration_missing": _("Missing for %(country)s: %(scheme)s."),
    "ce_marking_missing": _("The product is not declared CE-marked (EU batteries regulation)."),
    "prohibited_for_destination": _("This kind of product may not be delivered to buyers in %(country)s."),
    "excise_goods_other_member_state": _(
        "Excise goods (alcohol, tobacco, energy products) are sold only to buyers in the country they ship from: "
        "a sale to %(country)s owes its excise duty, which this marketplace does not collect."
    ),
}


def scheme_label(scheme: str) -> str:
    return str(SCHEME_LABELS.get(scheme, scheme))


def reason_text(reason: dict, *, country: str) -> str:
    """One stored reason ({"rule", "code", "scheme"?}) in the active language."""
    message = _MESSAGES.get(reason.get("code", ""))
    if message is None:
        return reason.get("code", "")
    return str(message) % {"country": country, "scheme": scheme_label(reason.get("scheme", ""))}


def reasons_text(reasons: list[dict], *, country: str) -> str:
    return " ".join(reason_text(reason, country=country) for reason in reasons)


def restricted_message(*, title: str, country: str, reasons: list[dict]) -> str:
    """The checkout's refusal, in the active language."""
    return gettext("“%(title)s” cannot be delivered to %(country)s: %(reasons)s") % {
        "title": title,
        "country": country,
        "reasons": reasons_text(reasons, country=country),
    }


assert set(_MESSAGES) == {*domain.REASON_CODES.values(), domain.MANUFACTURER_ADDRESS_MISSING}
assert set(SCHEME_LABELS) == set(domain.SCHEMES)
