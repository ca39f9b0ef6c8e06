"""Emailing one notification: in the recipient's language, text and HTML, at most once."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from comptoir.core import clock
from comptoir.core.mail import mail_send_rendered
from comptoir.notifications.conf import notifications_settings
from comptoir.notifications.models import Notification
from comptoir.notifications.rendering import notification_render
from comptoir.notifications.selectors import notification_email_enabled


def notification_email_send(*, notification_id: int) -> bool:
    """Email the notification to its recipient unless it was already emailed (or is being emailed by another
    worker), the recipient left or turned that kind off since. Returns whether this call sent it.

    The notification is claimed by a guarded UPDATE before sending, so two runs of the task never send it twice;
    if the mailer fails the claim is released and the error propagates (a retry sends it)."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.email_sent_at is not None:
        return False
    recipient = notification.recipient
    if not recipient.is_active or not notification_email_enabled(user=recipient, kind=notification.kind):
        return False
    if not Notification.objects.filter(pk=notification.pk, email_sent_at__isnull=True).update(
        email_sent_at=clock.now()
    ):
        return False
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    site_url = notifications_settings().site_url
    try:
        with translation.override(language):
            rendered = notification_render(kind=notification.kind, params=notification.params)
        context = {
            "site_name": settings.COMPTOIR_SITE_NAME,
            "site_url": site_url,
            "recipient": recipient,
            "notification": rendered,
            "link": f"{site_url}{rendered.url}" if rendered.url else "",
            "centre_link": f"{site_url}/accounts/notifications/",
            "preferences_link": f"{site_url}/accounts/notifications/preferences",
        }
        mail_send_rendered(
            to=recipient.email,
            language=language,
            subject_template=[
                f"notifications/email/{notification.kind}_subject.txt",
                "notifications/email/subject.txt",
            ],
            text_template=[f"notifications/email/{notification.kind}.txt", "notifications/email/notification.txt"],
            html_template=[f"notifications/email/{notification.kind}.html", "notifications/email/notification.html"],
            context=context,
        )
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(email_sent_at=None)
        raise
    return True
