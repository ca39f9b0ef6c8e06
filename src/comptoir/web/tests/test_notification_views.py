"""The notification centre and the email preferences in the account pages."""

import pytest
from django.urls import reverse

from comptoir.notifications.models import Notification, NotificationPreference
from comptoir.notifications.services import notification_send
from comptoir.testing.builders import make_seller, make_user

pytestmark = pytest.mark.django_db

SHIPPED = {
    "order_number": "CO-7",
    "seller_name": "Atelier Lumière",
    "carrier": "La Poste",
    "tracking_number": "6A1",
    "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A1",
    "url": "/account/orders/CO-7",
}


def _notify(user, kind="order_shipped", key="k", params=SHIPPED):
    return notification_send(recipient=user, kind=kind, params=params, dedupe_key=key)


def test_the_centre_lists_the_users_notifications_and_the_header_counts_unread(client):
    ada, eve = make_user(), make_user()
    _notify(ada)
    _notify(eve, kind="order_delivered", key="eve", params={"order_number": "CO-EVE", "seller_name": "X"})
    client.force_login(ada)
    page = client.get(reverse("account:notifications")).content.decode()
    assert "Your order CO-7 has shipped" in page
    assert 'href="https://www.laposte.fr/outils/suivre-vos-envois?code=6A1"' in page
    assert "CO-EVE" not in page
    header = client.get("/").content.decode()
    assert 'id="notifications-link"' in header and '<span class="notifications-link__count">1</span>' in header


def test_the_centre_is_in_french_for_a_french_visitor(client):
    ada = make_user()
    _notify(ada)
    client.force_login(ada)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("account:notifications")).content.decode()
    assert "Votre commande CO-7 est expédiée" in page and "1 notification non lue" in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client):
    ada = make_user()
    notification = _notify(ada)
    client.force_login(ada)
    response = client.post(reverse("account:notification-read", args=[notification.pk]), {"open": "1"})
    assert response["Location"] == "/account/orders/CO-7"
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert '<span class="notifications-link__count">' not in client.get("/").content.decode()


def test_another_users_notification_is_404_and_stays_unread(client):
    ada, eve = make_user(), make_user()
    notification = _notify(ada)
    client.force_login(eve)
    assert client.post(reverse("account:notification-read", args=[notification.pk])).status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read(client):
    ada = make_user()
    _notify(ada, key="a")
    _notify(ada, key="b")
    client.force_login(ada)
    client.post(reverse("account:notifications-read-all"))
    assert not Notification.objects.filter(recipient=ada, read_at__isnull=True).exists()


def test_the_pages_need_a_login(client):
    response = client.get(reverse("account:notifications"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_preferences_turn_emails_off_per_kind(client):
    owner = make_user()
    make_seller(owner=owner)
    client.force_login(owner)
    page = client.get(reverse("account:notification-preferences")).content.decode()
    assert 'name="email" value="new_order" checked' in page and 'value="order_shipped" checked' in page
    # when everything but "new order" is unticked
    client.post(reverse("account:notification-preferences"), {"email": ["new_order"]})
    off = set(NotificationPreference.objects.filter(user=owner, is_enabled=False).values_list("kind", flat=True))
    assert "order_shipped" in off and "payout_sent" in off and "new_order" not in off
    page = client.get(reverse("account:notification-preferences")).content.decode()
    assert 'value="new_order" checked' in page and 'value="order_shipped" checked' not in page


def test_a_buyer_is_not_offered_seller_kinds(client):
    buyer = make_user()
    client.force_login(buyer)
    page = client.get(reverse("account:notification-preferences")).content.decode()
    assert 'value="order_shipped"' in page and 'value="new_order"' not in page
