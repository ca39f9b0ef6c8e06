"""The notification centre (list, mark read) and the notification preferences (which kinds are emailed), in the
account pages. Every lookup is scoped to the signed-in user: another user's notification is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import NotFound
from comptoir.notifications.rendering import notification_render
from comptoir.notifications.selectors import (
    notification_list_for_user,
    notification_preferences_for_user,
    notification_unread_count,
)
from comptoir.notifications.services import (
    notification_mark_read,
    notification_preferences_save,
    notifications_mark_all_read,
)


@login_required
def notification_centre(request):
    page = Paginator(notification_list_for_user(user=request.user), 20).get_page(request.GET.get("page"))
    items = [
        {"notification": notification, "text": notification_render(kind=notification.kind, params=notification.params)}
        for notification in page.object_list
    ]
    context = {"page": page, "items": items, "unread_count": notification_unread_count(user=request.user)}
    return render(request, "web/accounts/notifications.html", context)


@login_required
@require_POST
def notification_read(request, notification_id: int):
    """Mark one notification read, then open what it is about (its page, or back to the centre)."""
    try:
        notification = notification_mark_read(user=request.user, notification_id=notification_id)
    except NotFound as error:
        raise Http404(error.message) from error
    if request.POST.get("open"):
        target = str(notification.params.get("url", ""))
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
    return redirect("account:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("account:notifications")


@login_required
def notification_preferences(request):
    rows = notification_preferences_for_user(user=request.user)
    if request.method == "POST":
        chosen = set(request.POST.getlist("email"))
        notification_preferences_save(
            user=request.user, email_enabled_kinds=chosen, kinds=[kind.code for kind, _enabled in rows]
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect(reverse("account:notification-preferences"))
    return render(request, "web/accounts/notification_preferences.html", {"rows": rows})
