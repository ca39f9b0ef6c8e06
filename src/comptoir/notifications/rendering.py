"""A notification's text, written from its kind and params in the active language (the page's, or the
recipient's inside `translation.override` for an email). Numbers and dates are formatted for that language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.core.money import Money
from comptoir.notifications.kinds import KINDS_BY_CODE
from comptoir.orders.models import ReturnReason


@dataclass(frozen=True)
class RenderedNotification:
    title: str
    body: str
    url: str  # a path on this site ("" for none)
    tracking_url: str  # the carrier's tracking page, when known


def _decision(params: dict) -> dict:
    if params.get("in_favour_of") == "buyer":
        return {"decision": _("in the buyer's favour: the order is refunded")}
    return {"decision": _("in the seller's favour: the order goes on")}


def _measure(params: dict) -> dict:
    labels = {
        "warning": _("warning"),
        "visibility_reduced": _("reduced visibility"),
        "suspension": _("suspension"),
    }
    label = labels.get(params.get("measure_kind", ""), params.get("measure_kind", ""))
    measure = _("Lifted: %(measure)s") % {"measure": label} if params.get("lifted") else label
    return {
        "measure": measure[:1].upper() + measure[1:],
        "decided_by": _("decided by a person") if params.get("manual") else _("automated decision"),
    }


def _outcome(params: dict) -> dict:
    if params.get("accepted"):
        text = _("Your appeal was accepted: the measure is lifted.")
    else:
        text = _("Your appeal was rejected: the measure stays.")
    note = params.get("note") or ""
    return {"outcome": f"{text} {note}".strip()}


def _sender(params: dict) -> dict:
    return {
        "sender": params.get("sender_name")
        or (_("The seller") if params.get("sender_role") == "seller" else _("The buyer"))
    }


def _reason(params: dict) -> dict:
    reason = params.get("reason") or ""
    return {"reason": _("Reason: %(reason)s") % {"reason": reason} if reason else ""}


def _return_reason(params: dict) -> dict:
    code = params.get("return_reason", "")
    return {"return_reason": str(ReturnReason(code).label) if code in ReturnReason.values else code}


_DERIVED: dict[str, Callable[[dict], dict]] = {
    "return_requested": _return_reason,
    "dispute_decided": _decision,
    "measure_notice": _measure,
    "appeal_decided": _outcome,
    "message_received": _sender,
    "application_rejected": _reason,
}


class _Lenient(dict):
    """Params for `%` formatting: a placeholder with no value prints empty rather than failing a page."""

    def __missing__(self, key: str) -> str:
        return ""


def _values(kind: str, params: dict[str, Any]) -> _Lenient:
    language = get_language() or "en"
    values = _Lenient(params)
    if "currency" in params:
        for name, label in (("amount", "amount"), ("total_amount", "total")):
            if isinstance(params.get(name), int):
                values[label] = Money(params[name], params["currency"]).format(language)
    if params.get("ship_by"):
        values["ship_by"] = formats.date_format(dt.date.fromisoformat(params["ship_by"]), "DATE_FORMAT")
    derive = _DERIVED.get(kind)
    if derive is not None:
        values.update(derive(params))
    return values


def notification_render(*, kind: str, params: dict[str, Any]) -> RenderedNotification:
    """The title, body and links of a notification in the active language. An unknown kind (from a newer version,
    say) renders as its code rather than failing."""
    definition = KINDS_BY_CODE.get(kind)
    if definition is None:
        return RenderedNotification(title=kind, body="", url=str(params.get("url", "")), tracking_url="")
    values = _values(kind, params)
    return RenderedNotification(
        title=_(definition.title) % values,
        body=_(definition.body) % values,
        url=str(params.get("url", "")),
        tracking_url=str(params.get("tracking_url", "")),
    )
