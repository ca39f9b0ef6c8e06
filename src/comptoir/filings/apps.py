from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "comptoir.filings"
    label = "filings"
    verbose_name = "Tax filings (OSS, IOSS, DAC7)"

    def ready(self) -> None:
        from comptoir.filings import subscribers

        subscribers.connect()
