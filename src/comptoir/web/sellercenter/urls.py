from django.urls import path

from comptoir.web.sellercenter.views import dashboard, money, offers, onboarding, orders, security, team

app_name = "sellercenter"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("switch", dashboard.switch_seller, name="switch"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path("onboarding/pending", onboarding.onboarding_pending, name="onboarding_pending"),
    path("onboarding/<slug:step>", onboarding.onboarding, name="onboarding_step"),
    path("offers/", offers.offer_list, name="offers"),
    path("offers/new", offers.offer_new, name="offer_new"),
    path("offers/new/product", offers.offer_new_product, name="offer_new_product"),
    path("offers/new/<int:product_id>", offers.offer_new_for_product, name="offer_new_for_product"),
    path("offers/stock", offers.offer_bulk_stock, name="offer_bulk_stock"),
    path("offers/shipping-profiles/new", offers.shipping_profile_new, name="shipping_profile_new"),
    path("offers/<int:offer_id>/inline", offers.offer_inline_update, name="offer_inline"),
    path("offers/<int:offer_id>/toggle", offers.offer_toggle_active, name="offer_toggle"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/return-address", orders.return_policy, name="return_policy"),
    path("orders/<str:number>/", orders.order_detail, name="order_detail"),
    path("orders/<str:number>/credit-notes", orders.order_credit, name="order_credit"),
    path("orders/<str:number>/<slug:action>", orders.order_action, name="order_action"),
    path("money/", money.money_overview, name="money"),
    path("money/statement.csv", money.money_statement_csv, name="statement_csv"),
    path("money/settlement-currency", money.money_settlement_currency, name="settlement_currency"),
    path("money/payouts", money.payout_list, name="payouts"),
    path("team/", team.team, name="team"),
    path("team/api-keys/", team.api_keys, name="api_keys"),
    path("team/api-keys/created", team.api_key_created, name="api_key_created"),
    path("team/api-keys/<int:key_id>/revoke", team.api_key_revoke, name="api_key_revoke"),
    path("security/two-factor", security.two_factor, name="two_factor"),
    path("security/two-factor/policy", security.two_factor_policy, name="two_factor_policy"),
    path("security/verify", security.two_factor_verify, name="two_factor_verify"),
]

# Trust (issue 4): account health, ranking factors, buyer messages, reviews, enforcement notices and appeals.
from comptoir.web.sellercenter.views import appeals, health  # noqa: E402
from comptoir.web.sellercenter.views import messages as trust_messages  # noqa: E402

urlpatterns += [
    path("health/", health.account_health, name="health"),
    path("health/ranking", health.ranking_factors, name="ranking_factors"),
    path("health/notices/", appeals.notice_list, name="notices"),
    path("health/notices/<int:action_id>", appeals.notice_detail, name="notice"),
    path("messages/", trust_messages.inbox, name="messages"),
    path("messages/<str:number>", trust_messages.thread, name="message_thread"),
    path("reviews/", trust_messages.review_list, name="reviews"),
    path("reviews/<int:review_id>/reply", trust_messages.review_reply_view, name="review_reply"),
]

# Pictures and 3D/AR files of a product the seller offers (issue 13).
from comptoir.web.sellercenter.views import pictures  # noqa: E402

urlpatterns += [
    path("products/<int:product_id>/media", pictures.product_media, name="product_media"),
    path("products/<int:product_id>/pictures", pictures.picture_add, name="picture_add"),
    path("products/<int:product_id>/pictures/<int:image_id>/delete", pictures.picture_delete, name="picture_delete"),
    path("products/<int:product_id>/pictures/<int:image_id>/move", pictures.picture_move, name="picture_move"),
    path("products/<int:product_id>/models-3d", pictures.model_3d_add, name="model_3d_add"),
    path("products/<int:product_id>/models-3d/<int:model_id>/delete", pictures.model_3d_delete, name="model_3d_delete"),
]

# Products sold in variants (sizes, colours…): the family, its variant grid with the seller's offers.
from comptoir.web.sellercenter.views import variants  # noqa: E402

urlpatterns += [
    path("offers/new/family", variants.family_new, name="family_new"),
    path("families/<int:family_id>/", variants.family_detail, name="family"),
    path("families/<int:family_id>/variants", variants.family_variant_add, name="family_variant_add"),
]

# Outbound webhooks (issue 13): endpoints, the delivery log, replays.
from comptoir.web.sellercenter.views import webhooks  # noqa: E402

urlpatterns += [
    path("webhooks/", webhooks.endpoint_list, name="webhooks"),
    path("webhooks/secret", webhooks.endpoint_secret, name="webhook_secret"),
    path("webhooks/<int:endpoint_id>/", webhooks.endpoint_detail, name="webhook_endpoint"),
    path("webhooks/<int:endpoint_id>/secret", webhooks.endpoint_secret_rotate, name="webhook_secret_rotate"),
    path("webhooks/<int:endpoint_id>/delete", webhooks.endpoint_delete, name="webhook_delete"),
    path("webhooks/deliveries/<int:delivery_id>", webhooks.delivery_detail, name="webhook_delivery"),
    path("webhooks/deliveries/<int:delivery_id>/replay", webhooks.delivery_replay, name="webhook_replay"),
]

# Shop imports: Shopify, WooCommerce, PrestaShop and Magento exports (issue 13, docs/CONNECTORS.md).
from comptoir.web.sellercenter.views import imports  # noqa: E402

urlpatterns += [
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:job_id>/", imports.import_detail, name="import_detail"),
    path("imports/<int:job_id>/commit", imports.import_commit, name="import_commit"),
    path("imports/<int:job_id>/progress", imports.import_progress, name="import_progress"),
    path("imports/<int:job_id>/pictures/retry", imports.import_pictures_retry, name="import_pictures_retry"),
]

# Country rules (docs/COMPLIANCE.md): where each offer may be sold, registrations, the EU responsible person.
from comptoir.web.sellercenter.views import markets  # noqa: E402

urlpatterns += [
    path("markets/", markets.markets, name="markets"),
    path(
        "markets/registrations/<slug:scheme>/<str:country>/delete",
        markets.registration_delete,
        name="registration_delete",
    ),
    path("markets/manufacturers/<int:manufacturer_id>/delete", markets.manufacturer_remove, name="manufacturer_delete"),
]

# Taxes (docs/TAXES.md, "Returns and DAC7"): distance sales against the EUR 10,000 threshold, DAC7 figures and notices.
from comptoir.web.sellercenter.views import taxes  # noqa: E402

urlpatterns += [path("taxes/", taxes.taxes, name="taxes")]

# The product's text in other languages (docs/LANGUAGES.md, "Product text").
from comptoir.web.sellercenter.views import languages  # noqa: E402

urlpatterns += [
    path("products/<int:product_id>/languages", languages.product_languages, name="product_languages"),
    path("products/<int:product_id>/languages/save", languages.product_language_save, name="product_language_save"),
    path(
        "products/<int:product_id>/languages/<slug:language>/delete",
        languages.product_language_delete,
        name="product_language_delete",
    ),
]

# Feeds out (issue 13): Google Merchant Center and channel feeds of the shop's own offers.
from comptoir.web.sellercenter.views import feeds  # noqa: E402

urlpatterns += [
    path("feeds/", feeds.feed_list, name="feeds"),
    path("feeds/<int:feed_id>/", feeds.feed_detail, name="feed"),
    path("feeds/<int:feed_id>/<str:action>", feeds.feed_action_view, name="feed_action"),
]
