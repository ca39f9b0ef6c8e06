from django.db.models import Count, Min, Q
from django.shortcuts import render

from comptoir.catalog.models import Category, Product
from comptoir.offers.selectors import offer_visible_qs
from comptoir.sellers.models import Seller, SellerStatus


def home(request):
    """A landing page for the marketplace until the storefront lands: what is on sale and where to go next."""
    visible = offer_visible_qs()
    products = (
        Product.objects.filter(offers__in=visible).annotate(offer_count=Count("offers", distinct=True), lowest_price=Min("offers__price_amount"))
        .order_by("-offer_count", "id")[:12]
    )
    context = {
        "categories": Category.objects.filter(depth=0).order_by("position", "name_en"),
        "products": products,
        "seller_count": Seller.objects.filter(status=SellerStatus.VERIFIED).count(),
        "offer_count": visible.count(),
        "product_count": Product.objects.filter(Q(offers__in=visible)).distinct().count(),
    }
    return render(request, "storefront/home.html", context)
