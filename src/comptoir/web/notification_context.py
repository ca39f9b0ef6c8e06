from django.utils.functional import SimpleLazyObject

from comptoir.notifications.selectors import notification_unread_count


def notifications(request):
    """The signed-in user's unread notification count for the header, counted only if a template shows it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"notifications_unread": 0}
    return {"notifications_unread": SimpleLazyObject(lambda: notification_unread_count(user=user))}
