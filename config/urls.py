from django.contrib import admin
from django.urls import include, path

from comptoir.api.urls import api_docs, api_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/docs", api_docs, name="api-docs"),
    path("api/v1/", api_urls),
    path("", include("comptoir.web.urls")),
]

handler400 = "comptoir.web.errors.bad_request"
handler403 = "comptoir.web.errors.permission_denied"
handler404 = "comptoir.web.errors.page_not_found"
handler500 = "comptoir.web.errors.server_error"
