from django.urls import path

from comptoir.web.storefront.views import account, cart, catalog, sitemap

app_name = "storefront"

urlpatterns = [
    path("", catalog.home, name="home"),
    path("search", catalog.search, name="search"),
    path("ranking", catalog.ranking, name="ranking"),
    path("sitemap.xml", sitemap.sitemap_xml, name="sitemap"),
    path("sitemap-<int:number>.xml", sitemap.sitemap_part, name="sitemap_part"),
    path("robots.txt", sitemap.robots_txt, name="robots"),
    path("c/<int:category_id>", catalog.category_redirect, name="category"),
    path("p/<int:product_id>/", catalog.product_detail, name="product_short"),
    path("p/<int:product_id>/<str:slug>", catalog.product_detail, name="product"),
    path("s/<slug:slug>", catalog.seller_detail, name="seller"),
    path("cart", cart.cart, name="cart"),
    path("cart/add", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:offer_id>", cart.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:offer_id>/remove", cart.cart_line_delete, name="cart_line_delete"),
    path("checkout", cart.checkout, name="checkout"),
    path("checkout/confirmation/<str:number>", cart.order_confirmation, name="order_confirmation"),
    path("account/orders", account.order_list, name="orders"),
    path("account/orders/<str:number>", account.order_detail, name="order_detail"),
    path("account/orders/<str:number>/invoices/<str:seller_order_number>", account.invoice, name="invoice"),
    path(
        "account/orders/<str:number>/<str:seller_order_number>/<str:action>",
        account.seller_order_action,
        name="seller_order_action",
    ),
]

# Trust (issue 4): reviews, messages, how reviews are verified.
from comptoir.web.storefront.views import trust  # noqa: E402

urlpatterns += [
    path("account/reviews/<str:seller_order_number>", trust.review_new, name="review_new"),
    path("account/messages/<str:seller_order_number>", trust.message_thread, name="messages"),
    path("reviews/<int:review_id>/report", trust.review_report_view, name="review_report"),
    path("reviews/how-they-are-verified", trust.how_reviews_work, name="reviews_policy"),
]
