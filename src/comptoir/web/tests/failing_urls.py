"""A URLconf with a view that fails, to exercise the 500 handler (used by test_security)."""

from django.urls import path


def _failing_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom", _failing_view)]
handler500 = "comptoir.web.errors.server_error"
