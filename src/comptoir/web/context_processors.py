from django.conf import settings


def site(request):
    """What every page's header needs: the site name and which areas the visitor may enter."""
    user = getattr(request, "user", None)
    is_authenticated = bool(user and user.is_authenticated)
    return {
        "site_name": settings.COMPTOIR_SITE_NAME,
        "is_seller_member": is_authenticated and user.seller_memberships.exists(),
        "is_operator": is_authenticated and getattr(user, "is_operator", False),
    }
