"""/sitemap.xml and /robots.txt (sitemaps.org 0.9).

The sitemap lists the pages a search engine should index, each at its canonical address: the home page, the pages of
verified sellers, and one page per product a buyer can buy — for variants, their family's page (a variant's own
address only redirects there). One file holds at most 50,000 addresses; beyond that /sitemap.xml becomes an index of
/sitemap-<n>.xml files."""

from __future__ import annotations

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from comptoir.catalog.models import Product
from comptoir.offers.selectors import offer_visible_qs
from comptoir.sellers.models import Seller, SellerStatus

SITEMAP_MAX_URLS = 50_000  # the sitemaps.org limit for one file
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Pages that are not for search engines: accounts, carts, the seller center, the console, the API and feeds.
DISALLOWED = ("/accounts/", "/account/", "/cart", "/checkout", "/seller/", "/console/", "/api/", "/feeds/", "/admin/")


def _product_pages():
    """(page product id, last change of its offers), one row per page, in id order."""
    return (
        offer_visible_qs()
        .annotate(page_id=Coalesce("product__parent_id", "product_id"))
        .values("page_id")
        .annotate(changed=Max("updated_at"))
        .order_by("page_id")
    )


def _sellers():
    return Seller.objects.filter(status=SellerStatus.VERIFIED).order_by("pk").values_list("slug", flat=True)


def _entry(request, path: str, changed=None) -> str:
    lastmod = f"<lastmod>{changed.date().isoformat()}</lastmod>" if changed else ""
    return f"<url><loc>{escape(request.build_absolute_uri(path))}</loc>{lastmod}</url>"


def _entries(request, start: int, stop: int) -> list[str]:
    """Addresses number `start` to `stop` (excluded) of: the home page, the sellers' pages, the product pages."""
    sellers = list(_sellers())
    fixed = [reverse("storefront:home")] + [reverse("storefront:seller", kwargs={"slug": slug}) for slug in sellers]
    entries = [_entry(request, path) for path in fixed[start:stop]]
    first, last = max(0, start - len(fixed)), max(0, stop - len(fixed))
    if last > first:
        rows = list(_product_pages()[first:last])
        titles = dict(Product.objects.filter(pk__in=[row["page_id"] for row in rows]).values_list("pk", "title"))
        for row in rows:
            slug = slugify(titles.get(row["page_id"], ""))[:80] or "product"
            path = reverse("storefront:product", kwargs={"product_id": row["page_id"], "slug": slug})
            entries.append(_entry(request, path, row["changed"]))
    return entries


def _xml(body: str) -> HttpResponse:
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body, content_type="application/xml; charset=utf-8"
    )


def _urlset(entries: list[str]) -> HttpResponse:
    return _xml(f'<urlset xmlns="{NAMESPACE}">\n' + "\n".join(entries) + "\n</urlset>\n")


@require_safe
def sitemap_xml(request):
    """/sitemap.xml: every address when they fit in one file, else the index of the /sitemap-<n>.xml files."""
    total = 1 + _sellers().count() + _product_pages().count()
    if total <= SITEMAP_MAX_URLS:
        return _urlset(_entries(request, 0, total))
    files = (total + SITEMAP_MAX_URLS - 1) // SITEMAP_MAX_URLS
    locations = [
        request.build_absolute_uri(reverse("storefront:sitemap_part", kwargs={"number": number}))
        for number in range(1, files + 1)
    ]
    items = "\n".join(f"<sitemap><loc>{escape(location)}</loc></sitemap>" for location in locations)
    return _xml(f'<sitemapindex xmlns="{NAMESPACE}">\n{items}\n</sitemapindex>\n')


@require_safe
def sitemap_part(request, number: int):
    """/sitemap-<n>.xml: the n-th 50,000 addresses."""
    start = (number - 1) * SITEMAP_MAX_URLS
    entries = _entries(request, start, start + SITEMAP_MAX_URLS) if number >= 1 else []
    if not entries:
        raise Http404
    return _urlset(entries)


@require_safe
def robots_txt(request):
    """/robots.txt: where the sitemap is, and the pages that are not for search engines."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('storefront:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
