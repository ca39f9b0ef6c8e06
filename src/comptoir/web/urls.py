from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("comptoir.web.accounts_urls")),
    path("seller/", include("comptoir.web.sellercenter.urls")),
    path("console/", include("comptoir.web.console.urls")),
    path("", include("comptoir.web.storefront.urls")),
]
