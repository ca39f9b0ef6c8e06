from django.urls import path

from comptoir.web.console import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sellers/", views.seller_queue, name="seller-queue"),
    path("sellers/<int:seller_id>/", views.seller_detail, name="seller-detail"),
    path("sellers/<int:seller_id>/approve", views.seller_approve, name="seller-approve"),
    path("sellers/<int:seller_id>/reject", views.seller_reject_view, name="seller-reject"),
]

# Trust (issue 4): review reports, appeals, sellers by trust and the tier override.
from comptoir.web.console import trust_views  # noqa: E402

urlpatterns += [
    path("trust/reports/", trust_views.report_queue, name="trust-reports"),
    path("trust/reports/<int:report_id>/decide", trust_views.report_decide, name="trust-report-decide"),
    path("trust/appeals/", trust_views.appeal_queue, name="trust-appeals"),
    path("trust/appeals/<int:appeal_id>/decide", trust_views.appeal_decide_view, name="trust-appeal-decide"),
    path("trust/sellers/", trust_views.seller_list, name="trust-sellers"),
    path("trust/sellers/<int:seller_id>", trust_views.seller_trust, name="trust-seller"),
]

# Measures (issue 10): warn, reduce visibility, suspend, lift, reinstate, each with its statement of reasons.
from comptoir.web.console import measure_views  # noqa: E402

urlpatterns += [
    path("trust/sellers/<int:seller_id>/measures", measure_views.seller_measure, name="trust-seller-measure"),
]

# Measures proposed after a history import (issue 11): confirmed or dismissed by an operator.
from comptoir.web.console import proposal_views  # noqa: E402

urlpatterns += [
    path("trust/proposals/", proposal_views.proposal_queue, name="trust-proposals"),
    path("trust/proposals/<int:proposal_id>/decide", proposal_views.proposal_decide, name="trust-proposal-decide"),
]

# The marketplace's product feeds (issue 13): Google Merchant Center and channel feeds of every seller's offers.
from comptoir.web.console import feed_views  # noqa: E402

urlpatterns += [
    path("feeds/", feed_views.feed_list, name="feeds"),
    path("feeds/<int:feed_id>/", feed_views.feed_detail, name="feed"),
    path("feeds/<int:feed_id>/<str:action>", feed_views.feed_action_view, name="feed-action"),
]

# Tax filings (issue 12): OSS, IOSS, UK and Swiss returns and their dispatch, Art. 54c records, DAC7 report and notices.
from comptoir.web.console import filing_views  # noqa: E402

urlpatterns += [
    path("filings/", filing_views.filings, name="filings"),
    path("filings/dac7/notices", filing_views.dac7_notices_send, name="filings-dac7-notices"),
    path("filings/dac7/exclusions", filing_views.dac7_exclusion_save, name="filings-dac7-exclusion"),
    path("filings/returns/<slug:kind>/<slug:period>", filing_views.vat_return_page, name="filing-return"),
    path("filings/<slug:kind>", filing_views.filing_download, name="filing-download"),
]
