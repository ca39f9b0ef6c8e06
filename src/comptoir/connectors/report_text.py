"""The import report and the picture failures in the reader's language (the active one: the seller center's, or the
API request's Accept-Language).

A report entry keeps its code, its English message, and the message id (`template`) with its `params`
(connectors.domain.records.Problem): it is rendered here, when it is read, so a stored report speaks the language of
whoever reads it, not the one of the import. Entries stored before the ids existed (no `template`) and the catalog's
refusals carried as they are (`refused_by_catalog`) are looked up as whole messages.

Picture failures are stored as the fetcher's English text (comptoir.core.outbound, the picture checks of
catalog.domain.pictures, shared with other parts): each known form is matched, and its parts put in its translation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from comptoir.connectors.domain.records import render
from comptoir.core.message_patterns import MessagePattern, message_pattern, translated_message


def problem_text(entry: dict[str, Any]) -> str:
    """One error or warning of a report, in the active language."""
    template = entry.get("template")
    if isinstance(template, str) and template:
        return render(template, entry.get("params") or {}, gettext)
    message = str(entry.get("message", ""))
    return gettext(message) if message else ""


def localized_report(report: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored report whose errors and warnings carry their `message` in the active language (the code,
    line, column and parameters unchanged)."""
    localized = dict(report)
    for severity in ("errors", "warnings"):
        localized[severity] = [{**entry, "message": problem_text(entry)} for entry in report.get(severity) or []]
    return localized


# The fetcher's and the picture checks' failures (their English text is what is stored).
PICTURE_FAILURES: list[MessagePattern] = [
    message_pattern(gettext_noop("%(host)s does not resolve.")),
    message_pattern(gettext_noop("%(host)s resolves to %(address)s, a private or reserved address.")),
    message_pattern(gettext_noop("Only http:// and https:// addresses can be reached, not %(url)s.")),
    message_pattern(gettext_noop("HTTP %(status)s without a Location."), status=r"\d+"),
    message_pattern(gettext_noop("HTTP %(status)s."), status=r"\d+"),
    message_pattern(gettext_noop("Larger than %(size)s bytes (%(declared)s announced)."), size=r"\d+"),
    message_pattern(gettext_noop("Larger than %(size)s bytes."), size=r"\d+"),
    message_pattern(gettext_noop("Not received within %(seconds)s s."), seconds=r"[\d.]+"),
    message_pattern(gettext_noop("No answer within %(seconds)s s."), seconds=r"[\d.]+"),
    message_pattern(gettext_noop("More than %(count)s redirects."), count=r"\d+"),
    message_pattern(gettext_noop("The picture announces more than %(pixels)s pixels."), pixels=r"\d+"),
    message_pattern(gettext_noop("The file is larger than %(size)s bytes."), size=r"\d+"),
    message_pattern(gettext_noop("The picture has more than %(pixels)s pixels."), pixels=r"\d+"),
    message_pattern(gettext_noop("A side of the picture is longer than %(side)s pixels."), side=r"\d+"),
    message_pattern(gettext_noop("A side of the picture is shorter than %(side)s pixels."), side=r"\d+"),
]
# The fixed ones, listed for the catalogs.
FIXED_PICTURE_FAILURES = [
    gettext_noop("The file is not a readable picture."),
    gettext_noop("Send a JPEG, PNG or WebP picture."),
    gettext_noop("The picture has too many pixels."),
    gettext_noop("The picture is damaged or truncated."),
]


def picture_failure_text(failure: str) -> str:
    """A picture's stored failure in the active language (a connection error's own text is kept as it is)."""
    known = translated_message(failure, PICTURE_FAILURES, gettext)
    if known is not None:
        return known
    return gettext(failure) if failure else ""
