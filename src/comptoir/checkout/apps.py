from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    """Orchestration that spans orders and payments: checkout, payment outcomes, refunds, releases, chargebacks.
    No models of its own."""

    name = "comptoir.checkout"
    label = "checkout"
    verbose_name = "Checkout"

    def ready(self) -> None:
        from comptoir.checkout import subscribers

        subscribers.connect()
