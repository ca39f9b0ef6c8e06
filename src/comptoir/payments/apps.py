from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "comptoir.payments"
    label = "payments"
    verbose_name = "Payments and ledger"
