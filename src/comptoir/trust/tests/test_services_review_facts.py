"""What the fraud analysis is told about imported reviews (trust/services/reviews.py `address_hash`, the rebuild's
`review_credibility_refresh`): an unknown address or account age is never evidence, imported addresses and card
fingerprints that are equal still match, and a ring that bought from one poor seller only is found."""

import datetime as dt
import random

import pytest

from comptoir.accounts.models import User
from comptoir.orders.models import Order, SellerOrder, SellerOrderEvent
from comptoir.testing.builders import make_seller
from comptoir.trust.importers.history import COLUMNS, history_import
from comptoir.trust.models import Review
from comptoir.trust.rebuild import review_credibility_refresh
from comptoir.trust.services.reviews import address_hash

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
KEY = "test-key"


def test_an_unknown_address_hashes_to_nothing_and_known_ones_to_their_kind():
    # unknown: the importer's {}, a live address without street, postal code or country, an empty imported text or
    # hash, something that is not an address at all
    for unknown in ({}, {"street": " ", "postal_code": "", "country": ""}, {"imported": "  "}, {"hash": ""}, None, []):
        assert address_hash(unknown, secret_key=KEY) == ""
    # an imported text matches the same text (case and spacing aside), not another one
    first = address_hash({"imported": "12 rue des Lilas 75011 Paris FR"}, secret_key=KEY)
    assert first and first == address_hash({"imported": "12 RUE des  Lilas 75011 paris fr "}, secret_key=KEY)
    assert first != address_hash({"imported": "14 rue des Lilas 75011 Paris FR"}, secret_key=KEY)
    # an opaque hash matches the same value exactly, never the text of that value
    opaque = address_hash({"hash": "a1B2c3"}, secret_key=KEY)
    assert opaque == address_hash({"hash": "a1B2c3"}, secret_key=KEY)
    assert opaque != address_hash({"hash": "A1B2C3"}, secret_key=KEY)
    assert opaque != address_hash({"imported": "a1B2c3"}, secret_key=KEY)
    # a live address still matches itself
    live = {"street": "1 Main St", "postal_code": "75001", "country": "FR", "name": "Anna"}
    assert address_hash(live, secret_key=KEY) == address_hash(dict(live, street="1 main st"), secret_key=KEY)


def csv_text(rows: list[dict]) -> str:
    lines = [",".join(COLUMNS)]
    for row in rows:
        lines.append(",".join(str(row.get(name, "")) for name in COLUMNS))
    return "\n".join(lines) + "\n"


def reviewed_row(shop, external_id: str, buyer: str, *, day: int, rating: int = 5, late: bool = False) -> dict:
    placed = dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC) + dt.timedelta(days=day)
    shipped = placed + dt.timedelta(days=4 if late else 1)
    return {
        "external_order_id": external_id,
        "seller": shop.slug,
        "buyer": buyer,
        "placed_at": placed.isoformat(),
        "ship_by": (placed + dt.timedelta(days=2)).date().isoformat(),
        "deliver_by": (placed + dt.timedelta(days=6)).date().isoformat(),
        "shipped_at": shipped.isoformat(),
        "carrier": "La Poste",
        "tracking_number": f"6A{external_id.replace('-', '')}00000",
        "delivered_at": (shipped + dt.timedelta(days=2)).isoformat(),
        "currency": "EUR",
        "total_amount": "2599",
        **{
            name: str(rating)
            for name in (
                "review_rating",
                "review_item_as_described",
                "review_communication",
                "review_shipping_speed",
                "review_packaging",
            )
        },
        "reviewed_at": (shipped + dt.timedelta(days=3)).isoformat(),
    }


def imported(rows: list[dict]) -> None:
    report = history_import(content=csv_text(rows), now=NOW)
    assert report.is_ok, report.errors
    # As the importer stores them: the buyer's opening date is unknown, the address unknown
    User.objects.filter(full_name="Imported buyer").update(date_joined_known=False)


def credibility() -> dict[str, int]:
    """buyer email -> permille of their (first) review."""
    result: dict[str, int] = {}
    for email, permille in Review.objects.order_by("pk").values_list("buyer__email", "credibility_permille"):
        result.setdefault(email, permille)
    return result


@pytest.mark.django_db
def test_imported_reviews_with_unknown_addresses_and_ages_keep_full_credibility():
    # given an imported history: 40 buyers, most of them buying once or twice, every address unknown ({}), every
    # account age unknown, reviews close together
    shops = [make_seller(), make_seller(), make_seller()]
    rows = []
    for buyer in range(40):
        for order in range(1 + buyer % 2):
            shop = shops[(buyer + order) % 3]
            rows.append(
                reviewed_row(
                    shop, f"B{buyer}-{order}", f"buyer-{buyer}@example.com", day=buyer % 5, rating=4 + buyer % 2
                )
            )
    imported(rows)
    assert all(address == {} for address in Order.objects.values_list("shipping_address", flat=True))

    # when
    review_credibility_refresh(today=TODAY)

    # then no review is discounted: unknown is not equal, and not new
    assert set(credibility().values()) == {1000}


@pytest.mark.django_db
def test_imported_addresses_and_card_fingerprints_that_are_equal_still_match():
    # given imported reviewers of one seller: three shipping to the same imported address text, two sharing an old
    # system's address hash, three paying with the same imported card fingerprint
    shop, other = make_seller(), make_seller()
    rows = [reviewed_row(shop, f"S-{index}", f"buyer-{index}@example.com", day=index) for index in range(10)]
    rows += [reviewed_row(other, f"O-{index}", f"buyer-{index}@example.com", day=index) for index in range(10)]
    imported(rows)
    addresses = {
        "buyer-0": {"imported": "1 rue de la Gare 69001 Lyon"},
        "buyer-1": {"imported": "1 RUE de la gare  69001 lyon"},
        "buyer-2": {"imported": "1 rue de la Gare 69001 Lyon"},
        "buyer-3": {"hash": "f00d"},
        "buyer-4": {"hash": "f00d"},
    }
    for email_prefix, address in addresses.items():
        Order.objects.filter(buyer__email__startswith=f"{email_prefix}@").update(shipping_address=address)
    for email_prefix in ("buyer-5", "buyer-6", "buyer-7"):
        events = SellerOrderEvent.objects.filter(
            seller_order__in=SellerOrder.objects.filter(order__buyer__email__startswith=f"{email_prefix}@"),
            action="payment_captured",
        )
        for event in events:
            event.data = {**event.data, "payment_fingerprint": "card-77"}
            event.save(update_fields=["data"])

    # when
    review_credibility_refresh(today=TODAY)

    # then the three at one address count as one review, the two with one hash as a household, the three on one
    # card as one review; the others keep full weight
    by_buyer = {email.split("@")[0]: permille for email, permille in credibility().items()}
    assert [by_buyer[f"buyer-{index}"] for index in range(10)] == [333, 333, 333, 750, 750, 333, 333, 333, 1000, 1000]


@pytest.mark.django_db
def test_an_imported_ring_that_bought_only_from_one_poor_seller_is_found():
    # given an imported marketplace: 12 shops, 90 buyers who bought from three shops each and 60 one-time buyers,
    # rating as the orders went; shop 0 ships late half the time and is rated accordingly by its honest buyers
    shops = [make_seller() for _ in range(12)]
    chooser = random.Random(3)
    rows = []
    for buyer in range(90):
        for order, index in enumerate(chooser.sample(range(12), 3)):
            late = index == 0 and buyer % 2 == 0
            rating = 2 if late else (3 if index == 0 else 4 + (buyer + order) % 2)
            rows.append(
                reviewed_row(
                    shops[index],
                    f"M{buyer}-{order}",
                    f"multi-{buyer}@example.com",
                    day=(buyer + order) % 60,
                    rating=rating,
                    late=late,
                )
            )
    for buyer in range(60):
        index = buyer % 12
        late = index == 0
        rows.append(
            reviewed_row(
                shops[index],
                f"O{buyer}",
                f"once-{buyer}@example.com",
                day=buyer % 60,
                rating=2 if late else 5,
                late=late,
            )
        )
    # and 40 accounts whose whole history is one perfect order from shop 0, each reviewed 5 stars
    rows += [
        reviewed_row(shops[0], f"R{member}", f"ring-{member}@example.com", day=member, rating=5) for member in range(40)
    ]
    imported(rows)

    # when
    review_credibility_refresh(today=TODAY)

    # then the ring's reviews weigh next to nothing, and every review of the other shops keeps full weight
    by_buyer = credibility()
    ring = [permille for email, permille in by_buyer.items() if email.startswith("ring-")]
    assert len(ring) == 40 and max(ring) < 200
    assert "Single-seller accounts" in Review.objects.get(buyer__email="ring-0@example.com").credibility_reasons[0]
    others = Review.objects.exclude(seller=shops[0]).values_list("credibility_permille", flat=True)
    assert set(others) == {1000}
    # and the shop's multi-shop reviewers and disparaging reviews are untouched
    assert set(
        Review.objects.filter(seller=shops[0], buyer__email__startswith="multi-").values_list(
            "credibility_permille", flat=True
        )
    ) == {1000}
