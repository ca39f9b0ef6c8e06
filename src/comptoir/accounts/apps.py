from django.apps import AppConfig
from django.db.models.signals import post_delete


class AccountsConfig(AppConfig):
    name = "comptoir.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from comptoir.accounts.two_factor import recovery_codes_follow_authenticator

        post_delete.connect(
            recovery_codes_follow_authenticator,
            sender=TOTPDevice,
            dispatch_uid="comptoir.recovery_codes_follow_authenticator",
        )
