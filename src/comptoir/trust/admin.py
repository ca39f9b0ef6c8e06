"""Trust in the Django admin: read-only browsing, and the seller measures (warn, suspend, reinstate) added to the
seller admin.

Every trust row is either computed (scores, history, daily evidence) or a decision with its own audited
workflow in the operator console (review moderation, appeals, tier overrides, enforcement), so nothing here
can be added, changed or deleted: decisions go through trust.services, which audit them."""

from django import forms
from django.contrib import admin

from comptoir.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline
from comptoir.sellers.admin import SellerAdmin
from comptoir.sellers.models import Seller
from comptoir.trust.domain.enforcement import GROUNDS, SUSPENSION, WARNING
from comptoir.trust.models import (
    Appeal,
    EnforcementAction,
    MeasureProposal,
    Message,
    Review,
    ReviewReport,
    SellerDailyStats,
    SellerIdentityFingerprint,
    SellerIdentityLink,
    SellerTrust,
    SellerTrustHistory,
    SuspectOrder,
    TrustEvidenceApplied,
    TrustPriorEstimate,
    TrustRebuild,
)
from comptoir.trust.services import measure_take, seller_measures_reinstate


class MeasureForm(forms.Form):
    ground = forms.ChoiceField(choices=list(GROUNDS.items()), initial="terms_breach")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=5000,
        strip=True,
        help_text="The facts, in the seller's terms: they read this statement of reasons (DSA Art. 17) and may appeal.",
    )


class ReinstateForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        max_length=5000,
        strip=True,
        help_text="The seller reads it with the notice of the lifting.",
    )


class SellerWithMeasuresAdmin(SellerAdmin):
    """The seller admin of the sellers app plus the measures, which go through trust.services (the one path that
    writes the statement of reasons, the audit row and the status change). The console offers the same, in French
    and English: /console/trust/sellers/<id>."""

    actions = ["verify", "reject", "warn", "suspend", "reinstate"]

    def _measure_page(self, request, queryset, *, action: str, title: str, form_class, call, done: str):
        form = form_class(request.POST if "apply" in request.POST else None)
        return self.action_with_form(
            request, queryset, action=action, title=title, form=form, call=call, done=done, confirm=title
        )

    def _take(self, request, queryset, *, kind: str, action: str, title: str, done: str):
        return self._measure_page(
            request,
            queryset,
            action=action,
            title=title,
            form_class=MeasureForm,
            call=lambda seller, data: measure_take(
                seller_id=seller.pk, actor=request.user, kind=kind, ground=data["ground"], reason=data["reason"]
            ),
            done=done,
        )

    @admin.action(description="Warn selected sellers…", permissions=["operator"])
    def warn(self, request, queryset):
        return self._take(request, queryset, kind=WARNING, action="warn", title="Warn", done="Sellers warned")

    @admin.action(description="Suspend selected sellers…", permissions=["operator"])
    def suspend(self, request, queryset):
        return self._take(
            request, queryset, kind=SUSPENSION, action="suspend", title="Suspend", done="Sellers suspended"
        )

    @admin.action(description="Reinstate selected sellers…", permissions=["operator"])
    def reinstate(self, request, queryset):
        return self._measure_page(
            request,
            queryset,
            action="reinstate",
            title="Reinstate",
            form_class=ReinstateForm,
            call=lambda seller, data: seller_measures_reinstate(
                seller_id=seller.pk, actor=request.user, reason=data["reason"]
            ),
            done="Sellers reinstated",
        )


admin.site.unregister(Seller)
admin.site.register(Seller, SellerWithMeasuresAdmin)


@admin.register(SellerTrust)
class SellerTrustAdmin(ReadOnlyModelAdmin):
    list_display = (
        "seller",
        "score",
        "score_low",
        "score_high",
        "tier",
        "tier_override",
        "evidence_orders",
        "below_standard_since",
        "computed_at",
    )
    list_filter = (
        "tier",
        "tier_override",
        ("below_standard_since", admin.EmptyFieldListFilter),
        ("prior_from_seller", admin.EmptyFieldListFilter),
    )
    search_fields = ("seller__name", "=seller__slug")
    list_select_related = ("seller",)
    ordering = ("score",)


@admin.register(SellerTrustHistory)
class SellerTrustHistoryAdmin(ReadOnlyModelAdmin):
    list_display = ("seller", "day", "score", "tier")
    list_filter = ("tier", "day")
    search_fields = ("seller__name", "=seller__slug")
    list_select_related = ("seller",)
    date_hierarchy = "day"
    ordering = ("-day", "seller")


@admin.register(SellerDailyStats)
class SellerDailyStatsAdmin(ReadOnlyModelAdmin):
    list_display = (
        "seller",
        "day",
        "orders",
        "cancelled_by_seller",
        "shipped",
        "shipped_late",
        "delivered",
        "delivered_on_time",
        "defects",
        "returns_not_as_described",
        "reviews",
    )
    list_filter = ("day",)
    search_fields = ("seller__name", "=seller__slug")
    list_select_related = ("seller",)
    date_hierarchy = "day"
    ordering = ("-day", "seller")


class AppealInline(ReadOnlyTabularInline):
    model = Appeal
    fields = ("status", "submitted_by", "created_at", "decided_by", "decided_at", "decision_note")
    readonly_fields = fields


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnlyModelAdmin):
    list_display = ("seller", "kind", "ground", "is_active", "is_automated", "created_by", "created_at", "lifted_at")
    list_filter = ("kind", "is_active", "is_automated", "ground")
    search_fields = ("seller__name", "=seller__slug")
    list_select_related = ("seller",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = (AppealInline,)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyModelAdmin):
    list_display = ("action", "status", "submitted_by", "created_at", "decided_by", "decided_at")
    list_filter = ("status", "action__kind")
    search_fields = ("action__seller__name",)
    list_select_related = ("action", "action__seller", "submitted_by", "decided_by")
    ordering = ("-created_at",)


@admin.register(MeasureProposal)
class MeasureProposalAdmin(ReadOnlyModelAdmin):
    """Read only: proposals are confirmed or dismissed in the console (trust/proposals/)."""

    list_display = ("seller", "kind", "status", "grace_until", "created_at", "decided_by", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("seller__name",)
    list_select_related = ("seller", "decided_by")
    ordering = ("-created_at",)


class ReviewReportInline(ReadOnlyTabularInline):
    model = ReviewReport
    fields = ("reason", "status", "reporter", "created_at", "decided_by", "decision_note")
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(ReadOnlyModelAdmin):
    list_display = ("seller_order", "seller", "buyer", "product_rating", "status", "credibility_permille", "created_at")
    list_filter = ("status", "product_rating", "language", ("seller_replied_at", admin.EmptyFieldListFilter))
    search_fields = ("=seller_order__number", "seller__name", "buyer__email")
    list_select_related = ("seller_order", "seller", "buyer")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = (ReviewReportInline,)


@admin.register(ReviewReport)
class ReviewReportAdmin(ReadOnlyModelAdmin):
    list_display = ("review", "reason", "status", "reporter", "created_at", "decided_at")
    list_filter = ("status", "reason")
    list_select_related = ("review", "reporter")
    ordering = ("-created_at",)


@admin.register(Message)
class MessageAdmin(ReadOnlyModelAdmin):
    list_display = ("seller_order", "sender_role", "sender", "created_at")
    list_filter = ("sender_role",)
    search_fields = ("=seller_order__number",)
    list_select_related = ("seller_order", "sender")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)


@admin.register(SellerIdentityLink)
class SellerIdentityLinkAdmin(ReadOnlyModelAdmin):
    list_display = ("seller", "linked_seller", "matched_on", "created_at")
    search_fields = ("seller__name", "linked_seller__name")
    list_select_related = ("seller", "linked_seller")
    ordering = ("-created_at",)


@admin.register(SellerIdentityFingerprint)
class SellerIdentityFingerprintAdmin(ReadOnlyModelAdmin):
    list_display = ("seller", "kind")
    list_filter = ("kind",)
    search_fields = ("seller__name",)
    list_select_related = ("seller",)


@admin.register(TrustRebuild)
class TrustRebuildAdmin(ReadOnlyModelAdmin):
    list_display = ("rebuilt_at", "sellers", "seconds", "last_event_id", "last_review_id", "last_message_id")
    ordering = ("-rebuilt_at",)


@admin.register(TrustPriorEstimate)
class TrustPriorEstimateAdmin(ReadOnlyModelAdmin):
    list_display = ("day", "sellers", "strengths", "computed_at")
    ordering = ("-pk",)


@admin.register(TrustEvidenceApplied)
class TrustEvidenceAppliedAdmin(ReadOnlyModelAdmin):
    list_display = ("key", "seller_id", "applied_at")
    search_fields = ("=key",)
    ordering = ("-applied_at",)


@admin.register(SuspectOrder)
class SuspectOrderAdmin(ReadOnlyModelAdmin):
    list_display = ("seller_order_id", "seller_id", "counts_against_seller", "reason", "created_at")
    search_fields = ("=seller_order__id", "=seller__id")
    ordering = ("-created_at",)
