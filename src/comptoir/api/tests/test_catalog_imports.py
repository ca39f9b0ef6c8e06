"""Shop imports through the API: multipart upload for a dry run, commit by job id (idempotent), seller isolation,
and the seller's catalogue search by name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.api.tests.conftest import assert_problem
from comptoir.connectors.models import ImportedPicture, ImportJob
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_product, make_shipping_profile

pytestmark = [pytest.mark.django_db]

CSV = (
    "Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty\n"
    "tee,Cotton tee,Shirts,Size,S,TEE-S,10.00,3\n"
    "tee,,,,M,TEE-M,11.00,4\n"
)


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shirts():
    return make_category("Shirts")


def upload(api, key, content=CSV, **fields):
    return api.client.post(
        "/api/v1/seller/catalog-imports",
        data={"file": SimpleUploadedFile("products.csv", content.encode(), content_type="text/csv"), **fields},
        headers={"Authorization": f"Bearer {key}"},
    )


def test_upload_dry_run_then_commit_by_job_id(api, seller_a, shirts, django_capture_on_commit_callbacks):
    make_shipping_profile(seller_a.seller)
    response = upload(api, seller_a.key, format="shopify")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "analysed"
    assert (body["report"]["products"], body["report"]["variants"], body["report"]["offers"]) == (1, 2, 2)
    assert not Offer.objects.exists()
    assert upload(api, seller_a.key, format="shopify").json()["id"] == body["id"]  # the same upload: the same job

    with django_capture_on_commit_callbacks(execute=True):
        committed = api.client.post(
            f"/api/v1/seller/catalog-imports/{body['id']}/commit", headers={"Authorization": f"Bearer {seller_a.key}"}
        )
    assert committed.status_code == 202, committed.content
    assert Offer.objects.filter(seller=seller_a.seller).count() == 2
    detail = api.client.get(
        f"/api/v1/seller/catalog-imports/{body['id']}", headers={"Authorization": f"Bearer {seller_a.key}"}
    ).json()
    assert detail["status"] == "committed"
    assert detail["progress_done"] == detail["progress_total"]
    again = api.client.post(
        f"/api/v1/seller/catalog-imports/{body['id']}/commit", headers={"Authorization": f"Bearer {seller_a.key}"}
    )
    assert again.status_code == 200
    assert Offer.objects.filter(seller=seller_a.seller).count() == 2


def test_a_malformed_file_is_a_report_and_its_commit_is_422(api, seller_a, shirts):
    make_shipping_profile(seller_a.seller)
    body = upload(api, seller_a.key, CSV.replace("11.00", "eleven"), format="shopify").json()
    assert body["status"] == "invalid"
    assert body["report"]["errors"][0]["line"] == 3
    response = api.client.post(
        f"/api/v1/seller/catalog-imports/{body['id']}/commit", headers={"Authorization": f"Bearer {seller_a.key}"}
    )
    assert_problem(response, 422, "import_invalid")
    assert not Offer.objects.exists()


def test_another_sellers_import_is_404_and_bad_input_is_4xx(api, seller_a, seller_b, shirts):
    make_shipping_profile(seller_a.seller)
    job_id = upload(api, seller_a.key, format="shopify").json()["id"]
    for method, path in (("get", ""), ("post", "/commit")):
        response = getattr(api.client, method)(
            f"/api/v1/seller/catalog-imports/{job_id}{path}", headers={"Authorization": f"Bearer {seller_b.key}"}
        )
        assert_problem(response, 404, "import_not_found")
    assert upload(api, seller_a.key, format="ebay").status_code == 422
    assert_problem(upload(api, seller_b.key, format="shopify"), 422, "import_no_shipping_profile")
    assert ImportJob.objects.filter(seller=seller_b.seller).count() == 0


def test_sellers_find_catalog_products_by_name_with_their_own_offer(api, seller_a, shirts):
    make_shipping_profile(seller_a.seller)
    job_id = upload(api, seller_a.key, format="shopify").json()["id"]
    from comptoir.connectors.services import import_job_commit

    import_job_commit(seller=seller_a.seller, actor=None, job_id=job_id)
    found = api.client.get(
        "/api/v1/seller/catalog/products", {"q": "cotton TEE"}, headers={"Authorization": f"Bearer {seller_a.key}"}
    ).json()
    by_title = {item["title"]: item for item in found}
    assert by_title["Cotton tee"]["is_family"] is True and by_title["Cotton tee"]["your_sku"] is None
    assert by_title["Cotton tee – S"]["your_sku"] == "TEE-S"


def test_failed_pictures_are_listed_with_their_reason_and_retried_once(api, seller_a, seller_b, shirts):
    make_shipping_profile(seller_a.seller)
    job_id = upload(api, seller_a.key, format="shopify").json()["id"]
    job = ImportJob.objects.get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.COMMITTED)
    item = make_product("Tee")
    ImportedPicture.objects.create(
        seller=seller_a.seller, job=job, product=item, url="https://shop.example/gone.jpg",
        status=ImportedPicture.Status.FAILED, failure="HTTP 404.", attempts=1,
    )  # fmt: skip
    ImportedPicture.objects.create(
        seller=seller_a.seller, job=job, product=item, url="https://shop.example/later.jpg", failure="HTTP 503.",
        attempts=1,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {seller_a.key}"}

    detail = api.client.get(f"/api/v1/seller/catalog-imports/{job_id}", headers=headers).json()
    assert (detail["pictures_failed"], detail["pictures_retrying"]) == (1, 1)
    assert detail["picture_failures"] == [
        {"url": "https://shop.example/gone.jpg", "reason": "HTTP 404.", "attempts": 1, "product_id": item.pk}
    ]
    first = api.client.post(f"/api/v1/seller/catalog-imports/{job_id}/pictures/retry", headers=headers)
    again = api.client.post(f"/api/v1/seller/catalog-imports/{job_id}/pictures/retry", headers=headers)
    assert (first.status_code, first.json(), again.json()) == (200, {"queued": 1}, {"queued": 0})
    assert ImportedPicture.objects.get(url__endswith="gone.jpg").status == "pending"
    other = api.client.post(
        f"/api/v1/seller/catalog-imports/{job_id}/pictures/retry", headers={"Authorization": f"Bearer {seller_b.key}"}
    )
    assert_problem(other, 404, "import_not_found")


def test_the_report_gives_stable_codes_and_messages_in_the_requests_language(api, seller_a, shirts):
    # given a malformed file uploaded by a client asking for French
    make_shipping_profile(seller_a.seller)
    content = CSV.replace("11.00", "eleven") + ",,,,L,TEE-L,12.00,4\n"
    response = api.client.post(
        "/api/v1/seller/catalog-imports",
        data={"file": SimpleUploadedFile("p.csv", content.encode(), content_type="text/csv"), "format": "shopify"},
        headers={"Authorization": f"Bearer {seller_a.key}", "Accept-Language": "fr"},
    )
    body = response.json()
    errors = {error["code"]: error for error in body["report"]["errors"]}
    # then the codes and parameters are the machine's, the messages French
    assert errors["invalid_number"]["params"] == {"value": "eleven"}
    assert errors["invalid_number"]["template"] == "'%(value)s' is not a number."
    assert errors["invalid_number"]["message"] == "« eleven » n'est pas un nombre."
    assert errors["missing_handle"]["message"] == "Chaque ligne doit porter le handle du produit."

    # and the same stored report reads in German, or in English without Accept-Language
    def detail(**headers):
        return api.client.get(
            f"/api/v1/seller/catalog-imports/{body['id']}",
            headers={"Authorization": f"Bearer {seller_a.key}", **headers},
        ).json()["report"]["errors"]

    german = {error["code"]: error["message"] for error in detail(**{"Accept-Language": "de-DE,de;q=0.9"})}
    assert german == {
        "invalid_number": "„eleven“ ist keine Zahl.",
        "missing_handle": "Jede Zeile braucht das Handle des Produkts.",
    }
    english = {error["code"]: error["message"] for error in detail()}
    assert english["invalid_number"] == "'eleven' is not a number."


def test_picture_failure_reasons_follow_the_requests_language(api, seller_a, shirts):
    make_shipping_profile(seller_a.seller)
    job_id = upload(api, seller_a.key, format="shopify").json()["id"]
    job = ImportJob.objects.get(pk=job_id)
    ImportedPicture.objects.create(
        seller=seller_a.seller, job=job, product=make_product(title="Mug"), url="https://shop.example/a.jpg",
        status=ImportedPicture.Status.FAILED, failure="HTTP 404 without a Location.", attempts=1,
    )  # fmt: skip
    body = api.client.get(
        f"/api/v1/seller/catalog-imports/{job_id}",
        headers={"Authorization": f"Bearer {seller_a.key}", "Accept-Language": "es"},
    ).json()
    assert body["picture_failures"][0]["reason"] == "HTTP 404 sin cabecera Location."
