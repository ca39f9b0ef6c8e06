from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from comptoir.web.feed_views import feed_download


class FaviconRedirect(RedirectView):
    """/favicon.ico, which browsers and crawlers ask for on their own, points to the SVG icon the pages link."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("comptoir/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconRedirect.as_view()),
    path("feeds/<str:token>", feed_download, name="feed_download"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("comptoir.web.accounts_urls")),
    path("seller/", include("comptoir.web.sellercenter.urls")),
    path("console/", include("comptoir.web.console.urls")),
    path("", include("comptoir.web.storefront.urls")),
]
