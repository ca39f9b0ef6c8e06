"""The operator console's shared pieces, and the audit log.

The admin is an interface like the API and the web: it reads freely but writes business state only
through services. Models whose rows are facts (ledger, audit log, events) are read-only here;
decisions (verify a seller, decide a dispute) are admin actions that call the service with the
operator as actor and report the service's error message when it refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from comptoir.core.exceptions import ApplicationError
from comptoir.core.models import AuditLog, IdempotencyRecord
from comptoir.core.money import Money
from comptoir.core.permissions import is_operator

admin.site.site_header = "Comptoir operator console"
admin.site.site_title = "Comptoir console"
admin.site.index_title = "Marketplace operations"


def money_display(amount: int | None, currency: str) -> str:
    if amount is None:
        return "—"
    return Money(amount, currency).format()


def money_column(field: str, description: str, *, ordering: str | None = None) -> Callable[[Any, Any], str]:
    """A list or detail column showing `obj.<field>` (minor units) in `obj.currency`, for a ModelAdmin or inline:
    `total = money_column("total_amount", "total", ordering="total_amount")`."""

    def show(_admin: Any, obj: Any) -> str:
        return money_display(getattr(obj, field), obj.currency)

    return admin.display(description=description, ordering=ordering)(show)


def basis_points_display(rate_bp: int | None) -> str:
    if rate_bp is None:
        return "—"
    return f"{rate_bp / 100:g} %"


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Browse only: nothing can be added, changed or deleted from the console."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTabularInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), max_length=5000, strip=True)

    def __init__(self, *args, label: str = "Reason", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text


class OperatorActionsMixin(admin.ModelAdmin):
    """Admin actions for operators, each one a thin call to a service.

    Actions declare `allowed_permissions = ("operator",)` so that staff who are not operators do not
    even see them; the services are still the place where the rule is enforced."""

    def has_operator_permission(self, request) -> bool:
        return is_operator(request.user)

    def run_service_for_each(self, request, queryset, call: Callable, *, done: str) -> int:
        """Call `call(obj)` for each selected object; report successes and each refusal's message."""
        succeeded = 0
        for obj in queryset:
            try:
                call(obj)
            except ApplicationError as error:
                self.message_user(request, f"{obj}: {error.message}", level=messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{done}: {succeeded}.", level=messages.SUCCESS)
        return succeeded

    def action_with_reason(
        self,
        request,
        queryset,
        *,
        action: str,
        title: str,
        call: Callable,
        done: str,
        label: str = "Reason",
        help_text: str = "",
        confirm: str = "Confirm",
    ):
        """The intermediate page of an action that needs a written reason.

        The first request (from the changelist) renders the form; the confirmation posts back to the
        changelist with the same action and selection plus `apply`. Without a reason the form is shown
        again with its error and nothing happens."""
        form = ReasonForm(request.POST if "apply" in request.POST else None, label=label, help_text=help_text)
        return self.action_with_form(
            request,
            queryset,
            action=action,
            title=title,
            form=form,
            call=lambda obj, data: call(obj, data["reason"]),
            done=done,
            confirm=confirm,
        )

    def action_with_form(
        self, request, queryset, *, action: str, title: str, form, call: Callable, done: str, confirm: str
    ):
        """The intermediate page of an action whose `form` (bound to the POST when it carries `apply`) must be
        valid before `call(obj, cleaned_data)` runs for each selected object; otherwise the page (again, with the
        form's errors) and nothing happens."""
        if "apply" in request.POST and form.is_valid():
            self.run_service_for_each(request, queryset, lambda obj: call(obj, form.cleaned_data), done=done)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action,
            "confirm": confirm,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/comptoir/action_with_reason.html", context)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "action", "actor_display", "target_type", "target_id", "seller_id", "short_reason")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_id", "actor__email", "actor_label", "reason")
    list_select_related = ("actor",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "seller_id",
        "reason",
        "data",
    )

    @admin.display(description="actor", ordering="actor__email")
    def actor_display(self, entry: AuditLog) -> str:
        return entry.actor.email if entry.actor is not None else (entry.actor_label or "system")

    @admin.display(description="reason")
    def short_reason(self, entry: AuditLog) -> str:
        return entry.reason if len(entry.reason) <= 80 else entry.reason[:79] + "…"


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "scope", "actor_key", "key", "response_status")
    list_filter = ("scope", "response_status")
    search_fields = ("key", "actor_key")
    readonly_fields = (
        "created_at",
        "scope",
        "actor_key",
        "key",
        "request_fingerprint",
        "response_status",
        "response_body",
    )
