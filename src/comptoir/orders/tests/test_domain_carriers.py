"""The carrier list and its tracking links (pure)."""

import pytest

from comptoir.orders.domain.carriers import CARRIERS, carrier_for_name, tracking_url


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("La Poste / Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"),
        ("Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"),
        ("la poste", "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"),
        ("Chronopost", "https://www.chronopost.fr/tracking-no-cms/suivi-page?listeNumerosLT=6A12345678901"),
        ("DHL Express", "https://www.dhl.com/global-en/home/tracking.html?tracking-id=6A12345678901"),
        ("UPS", "https://www.ups.com/track?tracknum=6A12345678901"),
        ("Mondial Relay", "https://www.mondialrelay.fr/suivi-de-colis/?NumeroExpedition=6A12345678901"),
    ],
)
def test_a_listed_carrier_links_to_its_public_tracking_page(name, expected):
    assert tracking_url(name, "6A12345678901") == expected


def test_a_carrier_typed_freely_or_a_missing_number_gets_no_link():
    assert tracking_url("Coursier Lyonnais", "ABC12345") is None
    assert tracking_url("DHL", "") is None
    assert carrier_for_name("") is None


def test_the_tracking_number_is_quoted_in_the_link():
    assert tracking_url("ups", "1Z 999/AA1") == "https://www.ups.com/track?tracknum=1Z%20999%2FAA1"


def test_every_carrier_has_one_number_slot_on_https_and_unique_names():
    assert len({carrier.code for carrier in CARRIERS}) == len(CARRIERS) >= 8
    for carrier in CARRIERS:
        assert carrier.url_pattern.startswith("https://") and carrier.url_pattern.count("{number}") == 1
        assert carrier_for_name(carrier.name) is carrier and carrier_for_name(carrier.code) is carrier
