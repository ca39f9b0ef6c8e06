from django.urls import path

from comptoir.web import accounts_views

app_name = "account"

urlpatterns = [
    path("login/", accounts_views.login_view, name="login"),
    path("login/verify", accounts_views.login_verify_view, name="login-verify"),
    path("2fa/setup", accounts_views.two_factor_setup_view, name="2fa-setup"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("register/", accounts_views.register_view, name="register"),
]
