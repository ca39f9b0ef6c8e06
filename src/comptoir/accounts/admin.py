"""Users and buyer API tokens in the console: browse only. Password hashes and token hashes are
never shown; accounts are created through sign-up or `createsuperuser`, roles are not edited here."""

from django.contrib import admin

from comptoir.accounts.models import ApiToken, User
from comptoir.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline


class ApiTokenInline(ReadOnlyTabularInline):
    model = ApiToken
    fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields


@admin.register(User)
class UserAdmin(ReadOnlyModelAdmin):
    list_display = (
        "email",
        "full_name",
        "country",
        "is_operator",
        "is_staff",
        "is_active",
        "date_joined",
        "last_login",
    )
    list_filter = ("is_operator", "is_staff", "is_superuser", "is_active", "country")
    search_fields = ("email", "full_name")
    ordering = ("-date_joined",)
    fields = (
        "email",
        "full_name",
        "preferred_language",
        "country",
        "is_active",
        "is_staff",
        "is_operator",
        "is_superuser",
        "date_joined",
        "last_login",
    )
    readonly_fields = fields
    inlines = [ApiTokenInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
