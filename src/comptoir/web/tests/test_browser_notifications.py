"""The notification centre and the email preferences in a real browser, in English and in French."""

import pytest

from comptoir.notifications.models import Notification, NotificationPreference
from comptoir.orders.tests.support import advance, buy
from comptoir.testing.builders import make_seller, make_user
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_buyer_reads_notifications_and_turns_an_email_off(browser_page, live_server):
    page = browser_page
    # given a buyer whose order was confirmed and shipped (notifications made by the real services and events)
    buyer = make_user("ada@example.com", full_name="Ada Lovelace")
    bought = buy(seller=make_seller("Atelier Lumière"), buyer=buyer)
    advance(bought, "shipped")
    assert Notification.objects.filter(recipient=buyer).count() == 2
    login_browser(page, live_server, buyer)
    # then the header shows two unread notifications
    page.goto(live_server.url + "/")
    assert page.locator("#notifications-link .notifications-link__count").inner_text() == "2"
    page.locator("#notifications-link").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Notifications"
    titles = page.locator(".notification__title").all_text_contents()
    assert titles == [
        f"Unread: Your order {bought.order.number} has shipped",
        f"Unread: Order {bought.order.number} is confirmed",
    ]
    assert (
        page.get_by_role("link", name="Follow your parcel").get_attribute("href").startswith("https://www.laposte.fr/")
    )
    save_screenshot(page, "notifications-centre")
    # when the buyer opens the shipping notification, they land on the order and it is read
    page.locator(".notification").first.get_by_role("button", name="View").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/account/orders/{bought.order.number}")
    assert page.locator("#notifications-link .notifications-link__count").inner_text() == "1"
    # and on the preferences page they turn off the "Order delivered" email
    page.goto(live_server.url + "/accounts/notifications/preferences")
    assert page.get_by_label("Order delivered").is_checked()
    page.get_by_label("Order delivered").uncheck()
    save_screenshot(page, "notifications-preferences")
    page.get_by_role("button", name="Save preferences").click()
    page.wait_for_load_state()
    assert "Your notification preferences are saved." in page.locator(".messages").inner_text()
    assert not page.get_by_label("Order delivered").is_checked()
    assert NotificationPreference.objects.get(user=buyer, kind="order_delivered").is_enabled is False


def test_the_centre_and_preferences_in_french(browser_page, live_server):
    page = browser_page
    owner = make_user("vendeur@example.com", preferred_language="fr")
    seller = make_seller("Atelier Lumière", owner=owner)
    buy(seller=seller)
    login_browser(page, live_server, owner)
    page.goto(live_server.url + "/")
    page.locator("button.lang[value=fr]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/notifications/")
    assert page.locator("h1").inner_text() == "Notifications"
    titles = page.locator(".notification__title").all_text_contents()
    assert titles[0] == "Non lue : Atelier Lumière est approuvée"
    assert titles[1].startswith("Non lue : Nouvelle commande ")
    assert (
        "Acceptez la commande et expédiez-la au plus tard le" in page.locator(".notification__body").nth(1).inner_text()
    )
    save_screenshot(page, "notifications-centre-fr")
    page.get_by_role("link", name="Préférences d’e-mail").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Préférences de notification"
    assert page.get_by_label("Nouvelle commande").is_checked()
    save_screenshot(page, "notifications-preferences-fr")


def test_the_html_email_reads_well_in_french(browser_page, django_capture_on_commit_callbacks):
    from django.core import mail

    from comptoir.notifications.services import notification_send

    user = make_user("marie@example.com", full_name="Marie Curie", preferred_language="fr")
    params = {
        "order_number": "CO-7K2F",
        "seller_name": "Atelier Lumière",
        "carrier": "Colissimo",
        "tracking_number": "6A12345678901",
        "tracking_url": "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901",
        "url": "/account/orders/CO-7K2F",
    }
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, kind="order_shipped", params=params, dedupe_key="preview")
    [message] = mail.outbox
    browser_page.set_content(message.alternatives[0][0])
    assert browser_page.locator("html").get_attribute("lang") == "fr"
    assert browser_page.locator("h1").inner_text() == "Votre commande CO-7K2F est expédiée"
    assert browser_page.get_by_role("link", name="Suivre votre colis").get_attribute("href") == params["tracking_url"]
    assert (
        browser_page.get_by_role("link", name="Voir sur le site")
        .get_attribute("href")
        .endswith("/account/orders/CO-7K2F")
    )
    save_screenshot(browser_page, "notification-email")
