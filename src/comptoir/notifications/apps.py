from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "comptoir.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from comptoir.notifications import subscribers

        subscribers.connect()
