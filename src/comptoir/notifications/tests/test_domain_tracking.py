"""Tracking links for the carriers sellers type in (pure)."""

from comptoir.notifications.domain.tracking import tracking_url


def test_a_known_carrier_gets_its_tracking_page_whatever_the_spelling():
    assert (
        tracking_url("La Poste", "6A12345678901")
        == "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"
    )
    assert (
        tracking_url("DHL Express", "JD0 1") == "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD0%201"
    )
    assert tracking_url("  ups ", "1Z999") == "https://www.ups.com/track?tracknum=1Z999"


def test_an_unknown_carrier_or_an_empty_number_has_no_link():
    assert tracking_url("Bob's van", "123") == ""
    assert tracking_url("La Poste", "  ") == ""


def test_the_number_cannot_inject_another_query_or_path():
    assert tracking_url("GLS", "1/../x?y=z") == "https://gls-group.com/track/1%2F..%2Fx%3Fy%3Dz"
