"""Sending one email written from templates in the recipient's language (text, and HTML when there is one).

Mail goes through Django's configured mailer (settings.MAILERS: files under var/mail/ unless COMPTOIR_EMAIL_URL or
COMPTOIR_EMAIL_HOST says otherwise). Callers send from tasks, never from a request: building and sending a message
takes time that must not depend on who the request is about."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import select_template
from django.utils import translation


def _templates(names: str | Sequence[str]) -> list[str]:
    return [names] if isinstance(names, str) else list(names)


def mail_send_rendered(
    *,
    to: str,
    language: str,
    subject_template: str | Sequence[str],
    text_template: str | Sequence[str],
    context: dict[str, Any],
    html_template: str | Sequence[str] | None = None,
) -> None:
    """Render the subject (one line), the text body and the optional HTML body in `language` and send them to `to`.
    Each template argument is a name or a list of names (the first that exists is used). Errors of the mailer
    propagate (the calling task fails and may be retried)."""
    with translation.override(language or "en"):
        subject = " ".join(select_template(_templates(subject_template)).render(context).split())
        text = select_template(_templates(text_template)).render(context)
        html = select_template(_templates(html_template)).render(context) if html_template else None
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()
