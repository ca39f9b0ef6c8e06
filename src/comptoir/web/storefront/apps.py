from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "comptoir.web.storefront"
    label = "storefront"
