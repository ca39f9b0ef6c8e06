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
    path("orders/<str:number>/", orders.order_detail, name="order_detail"),
    path("orders/<str:number>/<slug:action>", orders.order_action, name="order_action"),
    path("money/", money.money_overview, name="money"),
    path("money/statement.csv", money.money_statement_csv, name="statement_csv"),
    path("money/payouts", money.payout_list, name="payouts"),
    path("team/", team.team, name="team"),
    path("team/api-keys/", team.api_keys, name="api_keys"),
    path("team/api-keys/created", team.api_key_created, name="api_key_created"),
    path("team/api-keys/<int:key_id>/revoke", team.api_key_revoke, name="api_key_revoke"),
    path("security/two-factor", security.two_factor, name="two_factor"),
    path("security/two-factor/policy", security.two_factor_policy, name="two_factor_policy"),
    path("security/verify", security.two_factor_verify, name="two_factor_verify"),
]
