"""The demo seeder, at a small size, seeded once for the whole module (each seed takes seconds).

The module fixture seeds seed 7 directly, erases, seeds seed 8, erases, then seeds seed 7 again through
`comptoir demo` and calls the command a second time. Tests then read the database as left by the last
seed and compare the digests of the three runs."""

from __future__ import annotations

import datetime as dt
import io
import re
from base64 import b32decode
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum
from django.test import override_settings
from django_otp.oath import totp

from comptoir.accounts.models import User
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.models import Category, Product
from comptoir.core.models import AuditLog
from comptoir.demo.international_seed import INTERNATIONAL_SHOPS, shop_price
from comptoir.demo.seeding import DEMO_PASSWORD, MARKER_ACTION, RING_SIZE, DemoSizes, demo_seed
from comptoir.demo.summary import demo_content_digest, demo_state_counts
from comptoir.offers.models import Offer, ShippingProfile
from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.payments.models import Posting, Refund
from comptoir.sellers.domain.trader import validate_iban, validate_vat_id
from comptoir.sellers.models import Seller, SellerStatus

SMALL = DemoSizes(sellers=10, products=160, orders=130, buyers=30)
END_DAY = dt.date(2026, 3, 2)
SIZE_ARGUMENTS = [
    f"--sellers={SMALL.sellers}",
    f"--products={SMALL.products}",
    f"--orders={SMALL.orders}",
    f"--buyers={SMALL.buyers}",
    f"--today={END_DAY}",
]
OPEN_PAID_STATUSES = {
    Status.PLACED,
    Status.ACCEPTED,
    Status.SHIPPED,
    Status.DELIVERED,
    Status.RETURN_REQUESTED,
    Status.RETURNED,
}


def _erase():
    call_command("flush", interactive=False, verbosity=0)  # also resets the id sequences: the next seed starts fresh


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    # The demo's pictures go to a temporary MEDIA_ROOT, not to var/media.
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        _erase()
        first = demo_seed(seed=7, sizes=SMALL, today=END_DAY)
        first_digest = demo_content_digest()
        _erase()
        demo_seed(seed=8, sizes=SMALL, today=END_DAY)
        other_seed_digest = demo_content_digest()
        _erase()
        first_output, second_output = io.StringIO(), io.StringIO()
        call_command("demo", "--no-serve", "--seed=7", *SIZE_ARGUMENTS, stdout=first_output)
        digest = demo_content_digest()
        counts = demo_state_counts()
        call_command("demo", "--no-serve", "--seed=7", *SIZE_ARGUMENTS, stdout=second_output)
        yield SimpleNamespace(
            report=first,
            first_digest=first_digest,
            other_seed_digest=other_seed_digest,
            digest=digest,
            counts=counts,
            counts_after_second_call=demo_state_counts(),
            output=first_output.getvalue(),
            second_output=second_output.getvalue(),
        )
        _erase()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_marketplace_in_a_fresh_database(seeded):
    assert seeded.digest == seeded.first_digest


@pytest.mark.django_db
def test_another_seed_gives_another_marketplace(seeded):
    differing = {section for section in seeded.digest if seeded.digest[section] != seeded.other_seed_digest[section]}
    # the category tree is fixed; everything drawn from the seed differs
    assert differing >= {
        "products",
        "sellers",
        "offers",
        "users",
        "orders",
        "seller_orders",
        "events",
        "ledger",
        "reviews",
        "messages",
    }


@pytest.mark.django_db
def test_the_history_never_broke_a_rule(seeded):
    refused = {
        key: count for key, count in seeded.report.stats.items() if key.startswith(("refused", "checkout_refused"))
    }
    assert refused == {}
    assert seeded.report.stats["orders"] >= SMALL.orders * 0.9


@pytest.mark.django_db
def test_counts_and_country_diversity(seeded):
    counts = seeded.counts
    assert counts["products"] == SMALL.products
    joined = len(INTERNATIONAL_SHOPS)  # the shops pricing in their own currencies join at the end
    assert counts["sellers"] == SMALL.sellers + 3 + joined
    assert counts["seller_statuses"] == {
        "pending": 2,
        "rejected": 1,
        "suspended": 1,
        "verified": SMALL.sellers - 1 + joined,
    }
    assert len(counts["seller_countries"]) >= 6
    assert counts["buyers"] == SMALL.buyers + RING_SIZE  # the review ring's fresh accounts come on top
    assert len(counts["buyer_countries"]) >= 5
    assert counts["orders"] >= SMALL.orders * 0.9
    assert counts["products_with_several_offers"] >= SMALL.products * 0.4


@pytest.mark.django_db
def test_every_state_is_reached(seeded):
    counts = seeded.counts
    assert set(counts["seller_order_statuses"]) == {status.value for status in Status}
    assert set(counts["order_statuses"]) == {"paid", "payment_failed", "payment_review"}
    assert set(counts["dispute_statuses"]) == {"open", "decided_for_buyer", "decided_for_seller"}
    # cancelled by the buyer, by the seller, and by the system for a declined payment
    assert {"buyer", "seller", "system"} <= set(counts["cancelled_by"])
    assert {"capture", "release", "refund"} <= set(counts["journal_entry_kinds"])


@pytest.mark.django_db
def test_the_ledger_verifies_and_agrees_with_the_orders(seeded):
    from comptoir.payments.verify import ledger_verify

    report = ledger_verify()
    assert report.ok, report.problems[:5]
    balances = Counter()
    for kind, seller_id, total in Posting.objects.values_list("account__kind", "account__seller_id").annotate(
        total=Sum("amount")
    ):
        balances[(kind, seller_id)] += total
    for seller in Seller.objects.all():
        orders = SellerOrder.objects.filter(seller=seller)
        in_escrow = sum(orders.filter(status__in=OPEN_PAID_STATUSES).values_list("total_amount", flat=True))
        released = orders.filter(status=Status.COMPLETED).aggregate(
            total=Sum("total_amount"), fees=Sum("commission_amount")
        )
        earned = (released["total"] or 0) - (released["fees"] or 0)
        assert balances[("seller_escrow", seller.pk)] == -in_escrow, seller.name
        assert balances[("seller_payable", seller.pk)] + balances[("seller_paid_out", seller.pk)] == -earned, (
            seller.name
        )
    refunded = Refund.objects.aggregate(total=Sum("amount"))["total"] or 0
    captured = sum(SellerOrder.objects.filter(order__status="paid").values_list("total_amount", flat=True))
    assert balances[("provider_clearing", None)] == captured - refunded
    assert balances[("commission", None)] == -(
        SellerOrder.objects.filter(status=Status.COMPLETED).aggregate(total=Sum("commission_amount"))["total"] or 0
    )


@pytest.mark.django_db
def test_category_tree_has_three_levels_in_two_languages_with_commissions(seeded):
    assert 60 <= Category.objects.count() <= 110
    assert seeded.counts["category_depths"].keys() == {0, 1, 2}
    for category in Category.objects.all():
        parent_path = category.parent.path if category.parent else "/"
        assert category.path == f"{parent_path}{category.pk}/"
        assert category.depth == (category.parent.depth + 1 if category.parent else 0)
        assert category.name_en and category.name_fr
    tops = Category.objects.filter(depth=0)
    assert all(700 <= top.commission_rate_bp <= 1500 for top in tops if top.slug != "books")
    assert all(leaf.expected_attributes for leaf in Category.objects.filter(depth=2))
    assert Category.objects.filter(depth=0).exclude(name_en=F("name_fr")).count() >= 6


@pytest.mark.django_db
def test_products_are_valid_catalog_entries_in_french_and_english(seeded):
    products = list(Product.objects.filter(parent__isnull=True, option_names=[]).select_related("category"))
    assert {product.language for product in products} >= {"fr", "en"}
    with_gtin = [product for product in products if product.gtin]
    assert len(with_gtin) >= len(products) * 0.9
    assert all(normalise_gtin(product.gtin) == (product.gtin, None) for product in with_gtin)
    assert all(
        product.category.depth == 2 and product.title and product.brand and product.weight_grams for product in products
    )
    assert any(product.hs_code for product in products)
    # a complete listing states its leaf's expected attributes; most demo listings are complete
    complete = [product for product in products if set(product.category.expected_attributes) <= set(product.attributes)]
    assert len(complete) >= len(products) * 0.8


@pytest.mark.django_db
def test_sellers_have_distinct_valid_trader_identifiers_and_shipping_zones(seeded):
    sellers = list(Seller.objects.all())
    assert len({seller.vat_id for seller in sellers}) == len(sellers)
    for seller in sellers:
        assert validate_vat_id(seller.vat_id, seller.country)[1] is None
        assert validate_iban(seller.iban())[1] is None
    for seller in Seller.objects.filter(status__in=[SellerStatus.VERIFIED, SellerStatus.SUSPENDED]):
        standard = ShippingProfile.objects.filter(seller=seller, name="Standard parcels").get()
        zones = {(rate.zone_name, rate.service_level) for rate in standard.rates.all()}
        assert zones == {
            (zone, level)
            for zone in ("Domestic", "European Union", "Rest of the world")
            for level in ("standard", "express")
        }
    assert not Offer.objects.filter(seller__status=SellerStatus.PENDING).exists()


@pytest.mark.django_db
def test_the_sellers_built_to_be_late_ship_late_more_often(seeded):
    marker = AuditLog.objects.get(action=MARKER_ACTION)
    late_slugs = set(marker.data["late_sellers"])
    assert late_slugs and marker.data["cancelling_sellers"]
    shipments = SellerOrderEvent.objects.filter(action="ship")
    late_ids = set(Seller.objects.filter(slug__in=late_slugs).values_list("pk", flat=True))
    late_share = shipments.filter(seller_id_copy__in=late_ids, data__late=True).count() / max(
        1, shipments.filter(seller_id_copy__in=late_ids).count()
    )
    other_share = shipments.exclude(seller_id_copy__in=late_ids).filter(data__late=True).count() / max(
        1, shipments.exclude(seller_id_copy__in=late_ids).count()
    )
    assert late_share >= 0.25
    assert other_share <= 0.12


@pytest.mark.django_db
def test_the_command_prints_the_logins_and_does_not_seed_twice(seeded):
    assert DEMO_PASSWORD in seeded.output
    for email in ("operator@comptoir.example", "seller@comptoir.example", "buyer@comptoir.example"):
        assert email in seeded.output
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert "already seeded" in seeded.second_output and DEMO_PASSWORD in seeded.second_output
    assert seeded.counts_after_second_call == seeded.counts
    assert AuditLog.objects.filter(action=MARKER_ACTION).count() == 1


@pytest.mark.django_db
def test_the_demo_buyer_has_an_order_in_every_seller_order_state(seeded):
    statuses = set(
        SellerOrder.objects.filter(order__buyer__email="buyer@comptoir.example").values_list("status", flat=True)
    )
    assert statuses == {status.value for status in Status}


@pytest.mark.django_db
def test_the_command_refuses_a_database_holding_other_marketplace_data(seeded):
    from django.core.management.base import CommandError

    # given a database with marketplace data but no demo marker (the marker row is removed inside this test's
    # transaction)
    AuditLog.objects.filter(action=MARKER_ACTION).delete()
    # when / then
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--no-serve", stdout=io.StringIO())
    assert Product.objects.filter(parent__isnull=True, option_names=[]).count() == SMALL.products
    assert Offer.objects.values("product").annotate(n=Count("id")).count() > 0


# --- reviews, replies, messages and the review ring ---------------------------------------------------


def _ring():
    return AuditLog.objects.get(action=MARKER_ACTION).data["review_ring"]


@pytest.mark.django_db
def test_buyers_review_a_good_share_of_delivered_orders_in_both_languages_and_sellers_reply(seeded):
    from comptoir.trust.models import Review
    from comptoir.trust.services import REVIEWABLE

    reached = SellerOrder.objects.filter(delivered_at__isnull=False).count()
    reviews = Review.objects.exclude(buyer__email__in=_ring()["buyers"])
    assert 0.25 * reached <= reviews.count() <= 0.6 * reached
    assert seeded.counts["reviews"] == reviews.count() + RING_SIZE
    # every review is a verified purchase: its order reached the buyer, its author bought it
    assert (
        not Review.objects.exclude(seller_order__delivered_at__isnull=False)
        .exclude(seller_order__status__in=REVIEWABLE)
        .exists()
    )
    assert not Review.objects.exclude(buyer=F("seller_order__order__buyer")).exists()
    assert set(seeded.counts["review_languages"]) == {"fr", "en"}
    assert reviews.exclude(text="").count() >= reviews.count() * 0.6
    replied = reviews.filter(seller_replied_at__isnull=False)
    assert replied.exists() and not replied.filter(seller_replied_at__lte=F("created_at")).exists()
    # the demo buyer's completed showcase order carries a review with the seller's answer
    assert Review.objects.filter(
        buyer__email="buyer@comptoir.example", seller_order__status=Status.COMPLETED, seller_replied_at__isnull=False
    ).exists()


@pytest.mark.django_db
def test_sellers_built_to_be_late_are_rated_lower_on_shipping_speed(seeded):
    from django.db.models import Avg

    from comptoir.trust.models import Review

    marker = AuditLog.objects.get(action=MARKER_ACTION).data
    reviews = Review.objects.exclude(buyer__email__in=marker["review_ring"]["buyers"])
    late = reviews.filter(seller__slug__in=marker["late_sellers"]).aggregate(speed=Avg("shipping_speed"), n=Count("id"))
    others = reviews.exclude(seller__slug__in=marker["late_sellers"] + marker["cancelling_sellers"]).aggregate(
        speed=Avg("shipping_speed"), n=Count("id")
    )
    assert late["n"] >= 3 and others["n"] >= 10
    assert late["speed"] <= others["speed"] - 0.5


@pytest.mark.django_db
def test_about_one_order_in_ten_carries_a_buyer_seller_thread(seeded):
    from comptoir.trust.models import Message

    threads = seeded.counts["message_threads"]
    assert 0.04 * seeded.counts["seller_orders"] <= threads <= 0.2 * seeded.counts["seller_orders"]
    # each thread opens with the buyer, and every answer comes from the seller of that order
    for seller_order_id in Message.objects.values_list("seller_order_id", flat=True).distinct():
        messages = list(
            Message.objects.filter(seller_order_id=seller_order_id)
            .order_by("created_at", "pk")
            .select_related("seller_order__order")
        )
        assert messages[0].sender_role == "buyer" and messages[0].sender_id == messages[0].seller_order.order.buyer_id
        assert all(message.seller_id_copy == message.seller_order.seller_id for message in messages)
    # the demo buyer's shipped order has a thread answered by the seller
    assert Message.objects.filter(
        seller_order__order__buyer__email="buyer@comptoir.example",
        seller_order__status=Status.SHIPPED,
        sender_role="seller",
    ).exists()


@pytest.mark.django_db
def test_one_review_ring_of_fresh_accounts_is_visible_and_discounted(seeded):
    from comptoir.payments.models import Payment
    from comptoir.trust.models import Review

    ring = _ring()
    assert ring["seller"] and len(ring["buyers"]) == RING_SIZE
    marker = AuditLog.objects.get(action=MARKER_ACTION).data
    assert ring["seller"] in marker["late_sellers"] + marker["cancelling_sellers"]  # a weak seller
    ring_reviews = list(
        Review.objects.filter(buyer__email__in=ring["buyers"]).select_related("seller", "seller_order__order", "buyer")
    )
    # twelve five-star reviews of that one seller within a week, by accounts a few days old sharing one address
    assert len(ring_reviews) == RING_SIZE
    assert {review.seller.slug for review in ring_reviews} == {ring["seller"]}
    assert all(
        review.product_rating
        == review.item_as_described
        == review.communication
        == review.shipping_speed
        == review.packaging
        == 5
        for review in ring_reviews
    )
    moments = sorted(review.created_at for review in ring_reviews)
    assert moments[-1] - moments[0] <= dt.timedelta(days=7)
    assert all(review.created_at - review.buyer.date_joined <= dt.timedelta(days=21) for review in ring_reviews)
    addresses = {
        (
            review.seller_order.order.shipping_address["street"],
            review.seller_order.order.shipping_address["postal_code"],
        )
        for review in ring_reviews
    }
    assert len(addresses) == 1
    # and they paid with one card, which the payment fingerprint shows
    fingerprints = set(
        Payment.objects.filter(order__buyer__email__in=ring["buyers"]).values_list("payment_fingerprint", flat=True)
    )
    assert len(fingerprints) == 1 and fingerprints != {""}
    # the fraud analysis discounts every ring review, while honest reviews mostly count fully
    assert max(review.credibility_permille for review in ring_reviews) <= 200
    honest = Review.objects.exclude(buyer__email__in=ring["buyers"])
    assert honest.filter(credibility_permille=1000).count() >= honest.count() * 0.8


@pytest.mark.django_db
def test_the_summary_prints_reviews_and_messages(seeded):
    counts = seeded.counts
    assert f"reviews: {counts['reviews']} (" in seeded.output
    assert f"messages: {counts['messages']} in {counts['message_threads']} threads" in seeded.output
    assert "a review ring of 12 new accounts" in seeded.output


@pytest.mark.django_db
def test_the_suspended_seller_has_a_manual_statement_of_reasons_it_can_appeal(seeded):
    from comptoir.trust.models import EnforcementAction
    from comptoir.trust.selectors import config

    seller = Seller.objects.get(status=SellerStatus.SUSPENDED)
    action = EnforcementAction.objects.get(seller=seller, kind="suspension", is_active=True)
    assert not action.is_automated and action.created_by is not None and action.ground == "performance"
    assert "Cancellation rate above 15 %" in action.facts_text
    # within the appeal period at the end of the history (suspended ten days before its last day)
    assert END_DAY - action.created_at.date() < dt.timedelta(days=config()["enforcement"]["appeal_days"])


# --- the demo operator's second factor (issue 10, item 22) ---------------------------------------------


def _log_in_as_the_demo_operator(client, code: str):
    response = client.post("/accounts/login/", {"email": "operator@comptoir.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/verify")
    return client.post("/accounts/login/verify", {"token": code})


@pytest.mark.django_db
def test_the_logins_tell_that_the_operator_needs_a_code_and_how_to_get_one(seeded):
    for output in (seeded.output, seeded.second_output):
        assert "6-digit code at each login" in output
        assert ".venv/bin/comptoir demo-otp" in output
        assert "public demo secret: MNXW 24DU N5UX ELLE MVWW 6LLP NZWH SIJB" in output
        assert len(re.search(r"recovery codes \(each works once\): (.*)", output).group(1).split(", ")) == 10


@pytest.mark.django_db
def test_the_demo_operator_logs_in_with_a_code_from_the_printed_secret(seeded, client):
    # Given the secret the demo printed, typed into an authenticator app (RFC 6238 with the default 30 s step)
    secret = re.search(r"public demo secret: ([A-Z2-7 ]+)", seeded.output).group(1).replace(" ", "")
    code = str(totp(b32decode(secret))).zfill(6)
    # when the operator logs in with the password and that code, then the console opens
    response = _log_in_as_the_demo_operator(client, code)
    assert response.status_code == 302, response.content[:2000]
    assert client.get("/console/").status_code == 200


@pytest.mark.django_db
def test_comptoir_demo_otp_prints_a_code_the_login_accepts_even_twice_in_a_row(seeded, client, capsys, monkeypatch):
    from django.db import connections

    from comptoir.cli import main

    # A command run from the command line closes the database connections when it ends; this test's must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    for _login in range(2):
        main(["demo-otp"])
        code = capsys.readouterr().out.strip()
        assert re.fullmatch(r"\d{6}", code)
        assert _log_in_as_the_demo_operator(client, code).status_code == 302
        assert client.get("/console/").status_code == 200
        client.logout()


@pytest.mark.django_db
def test_a_printed_recovery_code_lets_the_demo_operator_in(seeded, client):
    recovery_code = re.search(r"recovery codes \(each works once\): (.*)", seeded.output).group(1).split(", ")[0]
    response = _log_in_as_the_demo_operator(client, recovery_code)
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200


@pytest.mark.django_db
def test_demo_otp_refuses_a_database_the_demo_did_not_seed(seeded):
    from django.core.management.base import CommandError

    AuditLog.objects.filter(action=MARKER_ACTION).delete()  # inside this test's transaction
    with pytest.raises(CommandError, match="no demo"):
        call_command("demo_otp", stdout=io.StringIO())


# --- progress while seeding (issue 10, item 21) ----------------------------------------------------------


@pytest.mark.django_db
def test_the_seeding_says_each_phase_with_what_it_made_and_how_long_it_took(seeded):
    lines = seeded.output.splitlines()
    phase = r" \(\d+\.\d s; \d+ s in all\)"
    expected = [
        rf"  catalog: \d+ categories, {SMALL.products} products{phase}",
        rf"  sellers, buyers, offers: {SMALL.sellers + 3} sellers, {SMALL.buyers} buyers, \d+ offers{phase}",
        rf"  order history: {seeded.counts['orders']} orders, {seeded.counts['seller_orders']} seller orders, "
        rf"\d+ reviews, \d+ messages{phase}",
        rf"  ledger sealing: every journal entry sealed into the hash chain{phase}",
        rf"  search index: \d+ products searchable{phase}",
        rf"  trust scores: {SMALL.sellers} sellers scored{phase}",
    ]
    positions = []
    for pattern in expected:
        matching = [index for index, line in enumerate(lines) if re.fullmatch(pattern, line)]
        assert matching, pattern
        positions.append(matching[0])
    assert positions == sorted(positions)  # said in the order they happen
    # the long phase, the order history, reports every month it played (six months of history)
    months = [
        line for line in lines if re.fullmatch(r"    history played up to \d{4}-\d\d-\d\d: \d+ orders \(\d+ s\)", line)
    ]
    assert len(months) >= 5
    assert positions[1] < lines.index(months[0]) < positions[2]


def test_the_most_offered_products_have_generated_pictures_with_renditions(seeded):
    from comptoir.catalog.models import ProductImage

    images = list(ProductImage.objects.filter(product__parent__isnull=True).select_related("product"))
    products = {image.product_id for image in images}
    assert len(products) == SMALL.products // 10
    assert len(images) == 3 * (len(products) // 4) + (len(products) - len(products) // 4)
    assert all(image.renditions and image.uploaded_by_seller_id for image in images)
    assert all(image.product.offers.filter(seller_id=image.uploaded_by_seller_id).exists() for image in images)


@pytest.mark.django_db
def test_the_demo_imports_the_bundled_ecb_rates_before_the_search_index(seeded):
    phases = list(seeded.report.phase_seconds)
    assert "exchange rates" in phases and phases.index("exchange rates") < phases.index("search index")


@pytest.mark.django_db
def test_the_demo_has_product_families_with_variants_offered_by_several_sellers(seeded):
    from comptoir.catalog.models import ProductImage
    from comptoir.demo.variants_seed import FAMILIES

    families = list(Product.objects.filter(parent__isnull=True).exclude(option_names=[]).order_by("id"))
    assert [family.title for family in families] == [spec.title for spec in FAMILIES]
    for family, spec in zip(families, FAMILIES, strict=True):
        variants = list(family.variants.all())
        assert len(variants) == len(spec.sizes) * len(spec.colours)
        assert all(normalise_gtin(variant.gtin) == (variant.gtin, None) for variant in variants)
        offers = Offer.objects.filter(product__parent=family)
        assert not Offer.objects.filter(product=family).exists()
        assert offers.values("seller").distinct().count() >= 2
        # One picture per variant on sale, uploaded by a seller of it; the variants without offers have none.
        for variant in variants:
            pictures = ProductImage.objects.filter(product=variant)
            assert pictures.count() == (1 if variant.offers.exists() else 0)
            assert all(variant.offers.filter(seller_id=image.uploaded_by_seller_id).exists() for image in pictures)
    assert seeded.counts["product_families"] == len(FAMILIES)


@pytest.mark.django_db
def test_the_demo_loads_the_country_rules_with_two_visible_gaps(seeded):
    from comptoir.compliance.models import ComplianceRule, OfferMarketBlock
    from comptoir.search.models import SearchDocument

    assert ComplianceRule.objects.count() == 16  # the shipped 17 but the picture rule
    assert not ComplianceRule.objects.filter(code="eu_gpsr_picture").exists()
    phases = list(seeded.report.phase_seconds)
    assert phases.index("country rules") < phases.index("search index")
    # Every offer may be sold in France (the default delivery country): the demo's data is complete there.
    assert not OfferMarketBlock.objects.filter(country="FR").exists()
    # Knives never reach the United Kingdom, in the blocks and in the index.
    knives = Offer.objects.filter(product__category__slug="knives")
    assert knives.exists()
    assert set(OfferMarketBlock.objects.filter(offer__in=knives).values_list("country", flat=True)) >= {"GB"}
    document = SearchDocument.objects.filter(product_id__in=knives.values("product_id")).first()
    assert document is not None and document.delivery.get("GB") in ([], None)
    # One shop lacks its German packaging registration: its offers are not sold in Germany.
    germany = OfferMarketBlock.objects.filter(country="DE")
    assert germany.exists()
    assert {reason["rule"] for block in germany for reason in block.reasons} == {"de_lucid_packaging"}
    assert germany.values("offer__seller").distinct().count() == 1


@pytest.mark.django_db
def test_the_demos_books_bear_each_countrys_book_rate(seeded):
    from comptoir.taxes.domain.rates import rates_by_country
    from comptoir.taxes.selectors import vat_rates_dated

    books = Product.objects.filter(category__path__startswith=Category.objects.get(slug="books").path)
    assert books.exists() and not books.exclude(tax_category="books").exists()
    assert not Product.objects.exclude(pk__in=books).exclude(tax_category="").exists()
    day = END_DAY
    dated = vat_rates_dated(countries={"FR", "DE", "IT"}, day=day)
    rates = rates_by_country(dated, tax_class="standard", countries={"FR", "DE", "IT"}, day=day, category="books")
    assert rates == {"FR": 550, "DE": 700, "IT": 400}


@pytest.mark.django_db
def test_sellers_in_ten_countries_price_in_their_own_currencies_with_valid_registrations(seeded):
    from comptoir.compliance.models import ResponsiblePerson
    from comptoir.taxes.models import SellerTaxProfile

    expected = {"FR": "EUR", "DE": "EUR", "ES": "EUR", "IT": "EUR", "PL": "PLN"}
    expected.update({country: currency for _name, country, currency, _departments, _oss in INTERNATIONAL_SHOPS})
    assert set(expected) == {"FR", "DE", "ES", "IT", "PL", "CZ", "SE", "CH", "GB", "US"}
    for country, currency in expected.items():
        offers = Offer.objects.filter(seller__country=country, seller__status=SellerStatus.VERIFIED)
        assert offers.exists(), country
        assert set(offers.values_list("currency", flat=True)) == {currency}, country
        rates = ShippingProfile.objects.filter(seller__country=country, offers__isnull=False).values_list(
            "rates__currency", flat=True
        )
        assert set(rates) == {currency}, country
        for seller in Seller.objects.filter(country=country):
            assert validate_vat_id(seller.vat_id, country)[1] is None
    # Shop prices, not computed conversions: x.49/x.99 under 10, x.90 under 100, whole above.
    for amount in Offer.objects.filter(currency__in=["CZK", "SEK", "CHF", "GBP", "USD", "PLN"]).values_list(
        "price_amount", flat=True
    ):
        assert shop_price(amount) == amount
    # The Czech and Swedish shops declare OSS; the Swiss, British and American ones have an EU responsible person.
    assert set(
        SellerTaxProfile.objects.filter(charges_destination_vat=True).values_list("seller__country", flat=True)
    ) == {"CZ", "SE"}
    assert set(ResponsiblePerson.objects.values_list("seller__country", flat=True)) >= {"CH", "GB", "US"}
    # Their past orders stay in euros: the Polish shops switched to złoty after the history.
    assert SellerOrder.objects.filter(seller__country="PL").exclude(currency="EUR").count() == 0


@pytest.mark.django_db
def test_a_buyer_in_france_sees_each_currency_converted_with_the_rate_date(seeded, client):
    for currency in ("PLN", "CZK", "SEK", "CHF", "GBP", "USD"):
        offer = Offer.objects.filter(currency=currency, is_active=True).select_related("product").first()
        assert offer is not None, currency
        response = client.get(f"/p/{offer.product_id}/x?country=FR&currency=EUR&lang=en", follow=True)
        assert response.status_code == 200, currency
        text = response.content.decode()
        assert "ECB rate of" in text and "≈ €" in text, currency


@pytest.mark.django_db
def test_british_and_swiss_buyers_see_the_import_treatment(seeded, client):
    offer = Offer.objects.filter(currency="USD", is_active=True).first()
    assert offer is not None
    swiss = client.get(f"/p/{offer.product_id}/x?country=CH&currency=CHF&lang=de", follow=True).content.decode()
    assert "CHF" in swiss and ("(CH)" in swiss or "Einfuhr" in swiss)
    british = client.get(f"/p/{offer.product_id}/x?country=GB&currency=GBP&lang=en", follow=True).content.decode()
    assert "£" in british and ("(GB)" in british or "import" in british.lower())


@pytest.mark.django_db
def test_the_catalog_reads_and_is_found_in_five_languages(seeded, client):
    from comptoir.catalog.models import ProductTranslation

    products = Product.objects.filter(parent__isnull=True, category__isnull=False)
    translated = ProductTranslation.objects.values("product_id").distinct().count()
    assert translated >= products.count() * 0.9
    headphones = ProductTranslation.objects.filter(product__category__slug="headphones")
    languages = set(headphones.values_list("language", flat=True))
    assert languages >= {"de", "es", "it"}
    german = headphones.filter(language="de").first()
    assert german is not None and "Kopfhörer" in german.title and german.attributes.get("colour") != "black"
    leaf = Category.objects.get(slug="headphones")
    assert (leaf.names["de"], leaf.names["es"], leaf.names["it"]) == ("Kopfhörer", "Auriculares", "Cuffie")
    # Search finds a product by its name in each language, and the page shows that language's title.
    product = german.product
    for language in ("en", "fr", "de", "es", "it"):
        text = (
            product.title if language == product.language else headphones.get(product=product, language=language).title
        )
        name = text.split(" – ")[0]
        page = client.get("/search", {"q": name, "lang": language, "country": "FR"}).content.decode()
        assert f"/p/{product.pk}/" in page, language
        assert name in client.get(f"/p/{product.pk}/x?lang={language}", follow=True).content.decode(), language
