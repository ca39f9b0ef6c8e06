from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "comptoir.compliance"
    label = "compliance"
    verbose_name = "Country rules"

    def ready(self) -> None:
        from comptoir.compliance import subscribers

        subscribers.connect()
