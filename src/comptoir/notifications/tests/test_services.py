"""Creating notifications, emailing them once in the recipient's language, preferences, marking read."""

import pytest
from django.core import mail

from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.notifications.emails import notification_email_send
from comptoir.notifications.models import Notification
from comptoir.notifications.selectors import (
    notification_email_enabled,
    notification_list_for_user,
    notification_preferences_for_user,
    notification_unread_count,
)
from comptoir.notifications.services import (
    notification_mark_read,
    notification_preference_set,
    notification_send,
    notifications_mark_all_read,
)
from comptoir.testing.builders import make_seller, make_user

pytestmark = pytest.mark.django_db

SHIPPED = {
    "order_number": "CO-1",
    "seller_order_number": "CO-1-A",
    "seller_name": "Atelier Lumière",
    "carrier": "La Poste",
    "tracking_number": "6A123",
    "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123",
    "url": "/account/orders/CO-1",
}


def test_a_notification_is_stored_and_emailed_in_text_and_html_after_the_commit(committed):
    buyer = make_user("ada@example.com", full_name="Ada")
    with committed():
        notification = notification_send(recipient=buyer, kind="order_shipped", params=SHIPPED, dedupe_key="ship:1")
        assert mail.outbox == []  # nothing is sent inside the writer's transaction
    assert notification is not None and notification.kind == "order_shipped"
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Your order CO-1 has shipped"
    assert "Atelier Lumière handed your parcel to La Poste. Tracking number: 6A123." in message.body
    assert "Follow your parcel: https://www.laposte.fr/outils/suivre-vos-envois?code=6A123" in message.body
    assert "http://127.0.0.1:8000/account/orders/CO-1" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://www.laposte.fr/outils/suivre-vos-envois?code=6A123"' in html
    assert Notification.objects.get(pk=notification.pk).email_sent_at is not None


def test_the_email_is_in_the_recipients_language_with_local_money(committed):
    buyer = make_user("marie@example.com", preferred_language="fr")
    with committed():
        notification_send(
            recipient=buyer,
            kind="order_confirmed",
            params={"order_number": "CO-9", "total_amount": 123456, "currency": "EUR", "url": "/account/orders/CO-9"},
            dedupe_key="order-confirmed:9",
        )
    [message] = mail.outbox
    assert message.subject == "La commande CO-9 est confirmée"
    assert "Votre paiement de 1\u202f234,56\xa0€ a été accepté" in message.body


def test_the_same_fact_notifies_once_and_emails_once(committed):
    buyer = make_user()
    with committed():
        first = notification_send(recipient=buyer, kind="order_delivered", params={}, dedupe_key="deliver:1")
        again = notification_send(recipient=buyer, kind="order_delivered", params={}, dedupe_key="deliver:1")
    assert first is not None and again is None
    assert Notification.objects.filter(recipient=buyer).count() == 1
    assert len(mail.outbox) == 1
    # a retried email task sends nothing more
    assert notification_email_send(notification_id=first.pk) is False
    assert len(mail.outbox) == 1


def test_a_failing_mailer_releases_the_email_for_a_retry(committed, monkeypatch):
    buyer = make_user()
    notification = notification_send(recipient=buyer, kind="order_delivered", params={}, dedupe_key="deliver:2")

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("comptoir.notifications.emails.mail_send_rendered", broken)
    with pytest.raises(OSError):
        notification_email_send(notification_id=notification.pk)
    assert Notification.objects.get(pk=notification.pk).email_sent_at is None
    monkeypatch.undo()
    assert notification_email_send(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_an_email_turned_off_is_not_sent_but_the_notification_is_kept(committed):
    buyer = make_user()
    notification_preference_set(user=buyer, kind="order_delivered", is_enabled=False)
    with committed():
        notification = notification_send(recipient=buyer, kind="order_delivered", params={}, dedupe_key="deliver:3")
    assert notification is not None
    assert mail.outbox == []
    assert notification_unread_count(user=buyer) == 1
    assert notification_email_enabled(user=buyer, kind="order_shipped") is True


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValidationError):
        notification_send(recipient=make_user(), kind="nope", params={}, dedupe_key="x")
    with pytest.raises(ValidationError):
        notification_preference_set(user=make_user(), kind="nope", is_enabled=False)


def test_marking_read_is_scoped_to_the_recipient():
    ada, eve = make_user(), make_user()
    notification = notification_send(recipient=ada, kind="order_delivered", params={}, dedupe_key="d")
    with pytest.raises(NotFound):
        notification_mark_read(user=eve, notification_id=notification.pk)
    assert notification_unread_count(user=ada) == 1
    assert notification_mark_read(user=ada, notification_id=notification.pk).read_at is not None
    assert notification_unread_count(user=ada) == 0
    notification_send(recipient=ada, kind="order_shipped", params=SHIPPED, dedupe_key="s")
    notification_send(recipient=ada, kind="order_refunded", params={}, dedupe_key="r")
    assert notifications_mark_all_read(user=ada) == 2
    assert list(notification_list_for_user(user=eve)) == []


def test_buyers_choose_among_buyer_kinds_and_seller_members_among_all():
    buyer = make_user()
    owner = make_user()
    make_seller(owner=owner)
    buyer_kinds = [kind.code for kind, _enabled in notification_preferences_for_user(user=buyer)]
    member_kinds = [kind.code for kind, _enabled in notification_preferences_for_user(user=owner)]
    assert "order_shipped" in buyer_kinds and "new_order" not in buyer_kinds and "payout_sent" not in buyer_kinds
    assert {"new_order", "late_to_ship", "payout_sent", "measure_notice"} <= set(member_kinds)
