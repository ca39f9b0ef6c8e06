from django.urls import path

from comptoir.web import accounts_views, notification_views

app_name = "account"

urlpatterns = [
    path("login/", accounts_views.login_view, name="login"),
    path("login/verify", accounts_views.login_verify_view, name="login-verify"),
    path("2fa/setup", accounts_views.two_factor_setup_view, name="2fa-setup"),
    path("2fa/replace", accounts_views.two_factor_replace_view, name="2fa-replace"),
    path("2fa/recovery-codes", accounts_views.two_factor_recovery_codes_view, name="2fa-recovery-codes"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("register/", accounts_views.register_view, name="register"),
    path("register/sent", accounts_views.register_sent_view, name="register-sent"),
    path("notifications/", notification_views.notification_centre, name="notifications"),
    path("notifications/<int:notification_id>/read", notification_views.notification_read, name="notification-read"),
    path("notifications/read-all", notification_views.notifications_read_all, name="notifications-read-all"),
    path("notifications/preferences", notification_views.notification_preferences, name="notification-preferences"),
    path("password/reset/", accounts_views.PasswordResetRequestView.as_view(), name="password-reset"),
    path("password/reset/sent", accounts_views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path(
        "password/reset/<uidb64>/<token>/", accounts_views.PasswordResetSetView.as_view(), name="password-reset-confirm"
    ),
    path("password/reset/done", accounts_views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
