from django.apps import AppConfig


class SellercenterConfig(AppConfig):
    name = "comptoir.web.sellercenter"
    label = "sellercenter"
