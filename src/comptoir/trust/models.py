"""Trust: verified-purchase reviews, buyer–seller messages, per-seller daily evidence, scores, tiers,
enforcement with statements of reasons (DSA Art. 17) and appeals.

Evidence flows one way: order events and reviews → SellerDailyStats buckets (incremental, one row per
seller and day) → SellerTrust (the current score, recomputed from at most the longest window of buckets).
`comptoir trust recompute` rebuilds the buckets from the source rows and must reach the same scores."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by moderation")


class Review(models.Model):
    """One review per delivered seller order, only by its buyer (a verified purchase)."""

    seller_order = models.OneToOneField("orders.SellerOrder", on_delete=models.PROTECT, related_name="review")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    # Seller and product are indexed by (seller, created_at) and (product, status) below, whose first column serves
    # every lookup by seller or product.
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="reviews", db_index=False)
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
        help_text="The product rated (the seller order's first line).",
        db_index=False,
    )
    product_rating = models.PositiveSmallIntegerField()
    item_as_described = models.PositiveSmallIntegerField()
    communication = models.PositiveSmallIntegerField()
    shipping_speed = models.PositiveSmallIntegerField()
    packaging = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED, db_index=True
    )
    # Fraud resistance: how much this review counts (0–1000 per mille), and why it was discounted.
    credibility_permille = models.PositiveSmallIntegerField(default=1000)
    credibility_reasons = models.JSONField(default=list, blank=True)
    seller_reply = models.TextField(blank=True)
    seller_replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    # Set once when moderation hides the review: from then on it no longer counts as evidence.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    product_rating__gte=1,
                    product_rating__lte=5,
                    item_as_described__gte=1,
                    item_as_described__lte=5,
                    communication__gte=1,
                    communication__lte=5,
                    shipping_speed__gte=1,
                    shipping_speed__lte=5,
                    packaging__gte=1,
                    packaging__lte=5,
                ),
                name="review_ratings_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(credibility_permille__lte=1000), name="review_credibility_at_most_1000"
            ),
        ]
        indexes = [models.Index(fields=["seller", "created_at"]), models.Index(fields=["product", "status"])]

    def __str__(self) -> str:
        return f"Review #{self.pk} of seller order #{self.seller_order_id}"

    @property
    def seller_rating(self) -> float:  # presentation only (stars), never money
        return (self.item_as_described + self.communication + self.shipping_speed + self.packaging) / 4


class ReviewReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: review hidden")
    DISMISSED = "dismissed", _("Dismissed")


class ReviewReport(models.Model):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=40)
    details = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ReviewReportStatus.choices, default=ReviewReportStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "reporter"], name="review_report_once_per_reporter")]

    def __str__(self) -> str:
        return f"Report #{self.pk} on review #{self.review_id} ({self.status})"


class Message(models.Model):
    """A buyer–seller message on a seller order; response times are measured from these."""

    seller_order = models.ForeignKey("orders.SellerOrder", on_delete=models.PROTECT, related_name="messages")
    seller_id_copy = models.BigIntegerField(db_index=True)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sender_role = models.CharField(max_length=10, choices=[("buyer", _("Buyer")), ("seller", _("Seller"))])
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Message #{self.pk} from the {self.sender_role} on seller order #{self.seller_order_id}"


class SellerDailyStats(models.Model):
    """Evidence for one seller on one day (UTC), attributed to the day the judged thing happened
    (an order to the day it was placed, a shipment to the day it shipped, a review to its day).
    Updated incrementally with F() on each event; rebuilt exactly by the batch recompute."""

    # No database constraint: the rows are derived (from seller orders, which have theirs) and `trust recompute`
    # rewrites them all in one transaction, where PostgreSQL's deferred check of 800k rows at commit cost 7 s. Deleting
    # a seller still deletes its rows (the ORM's cascade). No index of its own: the unique (seller, day) one serves.
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.CASCADE, related_name="daily_stats", db_constraint=False, db_index=False
    )
    day = models.DateField()
    orders = models.PositiveIntegerField(default=0)
    cancelled_by_seller = models.PositiveIntegerField(default=0)
    shipped = models.PositiveIntegerField(default=0)
    shipped_late = models.PositiveIntegerField(default=0)
    shipped_with_valid_tracking = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    delivered_on_time = models.PositiveIntegerField(default=0)
    defects = models.PositiveIntegerField(default=0, help_text="Negative reviews, disputes lost, chargebacks.")
    returns = models.PositiveIntegerField(default=0)
    returns_not_as_described = models.PositiveIntegerField(default=0)
    disputes_lost = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)
    # Credibility-weighted sums (per mille) of ratings, so a discounted review counts less.
    review_weight_permille = models.PositiveBigIntegerField(default=0)
    rating_weighted_sum_permille = models.PositiveBigIntegerField(
        default=0, help_text="Σ credibility × mean seller rating (1–5) × 1000"
    )
    negative_reviews = models.PositiveIntegerField(default=0)
    # Durations for medians (seconds): times to accept an order, times to answer a buyer's message.
    accept_seconds = models.JSONField(default=list)
    response_seconds = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "day"], name="seller_daily_stats_unique")]

    def __str__(self) -> str:
        return f"Seller #{self.seller_id} on {self.day}"


class Tier(models.TextChoices):
    NEW = "new", _("New seller")
    TOP_RATED = "top_rated", _("Top rated")
    GOOD = "good", _("Good standing")
    AT_RISK = "at_risk", _("At risk")
    BELOW_STANDARD = "below_standard", _("Below standard")


class SellerTrust(models.Model):
    """The current trust of a seller: score 0–100 with an uncertainty band, pillars, tier, metrics."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="trust")
    score = models.DecimalField(max_digits=5, decimal_places=2, default=50)
    score_low = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    score_high = models.DecimalField(max_digits=5, decimal_places=2, default=100)
    transparency = models.DecimalField(max_digits=5, decimal_places=2, default=50)
    operations = models.DecimalField(max_digits=5, decimal_places=2, default=50)
    security = models.DecimalField(max_digits=5, decimal_places=2, default=50)
    satisfaction = models.DecimalField(max_digits=5, decimal_places=2, default=50)
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.NEW, db_index=True)
    metrics = models.JSONField(default=dict, help_text="Each metric: value, bounds, target, status, sample size.")
    evidence_orders = models.PositiveIntegerField(default=0)
    prior_from_seller = models.ForeignKey(
        "sellers.Seller",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A linked earlier account whose history this seller inherits (anti-whitewashing).",
    )
    computed_at = models.DateTimeField(default=clock.now)
    # Operator override: a tier set by hand, with its reason (audited).
    tier_override = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    tier_override_reason = models.TextField(blank=True)
    # Enforcement ladder state: the first day of the current below-standard run, and a pause after a granted appeal.
    below_standard_since = models.DateField(null=True, blank=True)
    enforcement_paused_until = models.DateField(null=True, blank=True)
    # Share 0–1 of what the seller's listings should state (cached; refreshed on offer changes and by recompute).
    listing_completeness = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    # When history of this seller was last imported (`comptoir import-history`): for `import_grace_days` from then the
    # automated ladder opens nothing and proposes to an operator instead (MeasureProposal).
    history_imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Trust of seller #{self.seller_id}: {self.score} ({self.tier_override or self.tier})"


class SellerTrustHistory(models.Model):
    """Daily snapshot of a seller's score and metrics, for trends on the account health page."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="trust_history")
    day = models.DateField()
    score = models.DecimalField(max_digits=5, decimal_places=2)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    metrics = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "day"], name="seller_trust_history_unique")]

    def __str__(self) -> str:
        return f"Trust of seller #{self.seller_id} on {self.day}: {self.score} ({self.tier})"


class EnforcementKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    VISIBILITY_REDUCED = "visibility_reduced", _("Reduced visibility")
    SUSPENSION = "suspension", _("Suspension")
    TIER_OVERRIDE = "tier_override", _("Tier set by the marketplace")


class EnforcementAction(models.Model):
    """A restriction with its statement of reasons (DSA Art. 17, P2B Art. 4): facts, rule, automation, redress.
    Automated ones come from the ladder (`created_by` empty); manual ones carry the operator (`created_by`), the
    ground cited and the operator's reason in `facts_text`. At most one active action per seller and kind."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="enforcement_actions")
    kind = models.CharField(max_length=20, choices=EnforcementKind.choices)
    facts = models.JSONField(help_text="The metrics and values that triggered it.")
    facts_text = models.TextField()
    rule = models.TextField(help_text="The rule applied, with its threshold (terms and conditions reference).")
    ground = models.CharField(
        max_length=40, blank=True, help_text="The ground an operator cited for a manual measure (see trust.domain)."
    )
    is_automated = models.BooleanField(default=True)
    redress = models.TextField(help_text="How to appeal, and the out-of-court settlement route.")
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_reason = models.TextField(blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["seller", "is_active"])]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "kind"], condition=models.Q(is_active=True), name="enforcement_one_active_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} of seller #{self.seller_id}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    LAPSED = "lapsed", _("Lapsed")


class MeasureProposal(models.Model):
    """A measure the automated ladder would have opened on evidence that includes imported history, during the grace
    period after the import: it takes effect only when an operator confirms it (then an EnforcementAction, manual, with
    the operator's statement). It lapses when the seller is no longer below standard or the measure is active anyway.
    At most one pending proposal per seller and kind."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="measure_proposals")
    kind = models.CharField(max_length=20, choices=EnforcementKind.choices)
    facts = models.JSONField(help_text="The facts the ladder's statement of reasons would cite.")
    facts_text = models.TextField()
    rule = models.TextField()
    grace_until = models.DateField(help_text="The last day of the grace period after the import.")
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    action = models.ForeignKey(
        EnforcementAction, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "kind"],
                condition=models.Q(status="pending"),
                name="measure_proposal_one_pending_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"Proposed {self.kind} #{self.pk} of seller #{self.seller_id} ({self.status})"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Open")
    GRANTED = "granted", _("Granted: restriction lifted")
    REJECTED = "rejected", _("Rejected")


class Appeal(models.Model):
    action = models.ForeignKey(EnforcementAction, on_delete=models.PROTECT, related_name="appeals")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    status = models.CharField(max_length=12, choices=AppealStatus.choices, default=AppealStatus.OPEN, db_index=True)
    created_at = models.DateTimeField(default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action"], condition=models.Q(status="open"), name="appeal_one_open_per_action"
            )
        ]

    def __str__(self) -> str:
        return f"Appeal #{self.pk} of enforcement action #{self.action_id} ({self.status})"


class SellerIdentityLink(models.Model):
    """Two seller accounts that share identifying facts (VAT ID, IBAN, phone, email, legal name):
    the newer one cannot start from a clean slate (anti-whitewashing)."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="identity_links")
    linked_seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="+")
    matched_on = models.JSONField(default=list)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "linked_seller"], name="seller_identity_link_unique")]

    def __str__(self) -> str:
        return f"Seller #{self.seller_id} linked to seller #{self.linked_seller_id}"


class TrustEvidenceApplied(models.Model):
    """Marks one source fact (an order event, a review, a hiding, a message) as folded into the daily buckets,
    so a retried or duplicated task never counts it twice."""

    key = models.CharField(max_length=60, unique=True)
    seller_id = models.BigIntegerField(db_index=True)
    applied_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.key} folded for seller #{self.seller_id}"


class SuspectOrder(models.Model):
    """An unreviewed seller order the review fraud analysis ties to a praise campaign (a flagged buyer's other order,
    a burst's or a single-target ring's order not reviewed yet): it counts only against its seller (docs/TRUST.md,
    "Low-credibility orders"). Written when credibility is computed (a review written, `comptoir trust recompute`),
    read by both fact loaders. One row per seller order."""

    seller_order = models.OneToOneField("orders.SellerOrder", on_delete=models.CASCADE, related_name="+")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    counts_against_seller = models.BooleanField(
        default=True,
        help_text="A praise campaign's order counts only against its seller; a slander campaign's not at all.",
    )
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"Suspect seller order #{self.seller_order_id} of seller #{self.seller_id}"


class SellerIdentityFingerprint(models.Model):
    """A keyed hash (HMAC-SHA256 with the secret key) of one identifying fact of a seller, normalised, so that
    accounts sharing a VAT ID, IBAN, phone or email can be linked without storing or decrypting the fact."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="identity_fingerprints")
    kind = models.CharField(max_length=16)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "kind"], name="seller_identity_fingerprint_unique")]
        indexes = [models.Index(fields=["kind", "digest"])]

    def __str__(self) -> str:
        return f"{self.kind} fingerprint of seller #{self.seller_id}"


class TrustRebuild(models.Model):
    """One batch rebuild of the buckets: facts with ids up to these marks are already counted in them."""

    rebuilt_at = models.DateTimeField(default=clock.now)
    last_event_id = models.BigIntegerField(default=0)
    last_review_id = models.BigIntegerField(default=0)
    last_message_id = models.BigIntegerField(default=0)
    sellers = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    # Not stored: set by `trust_rebuild` for the command's report and the benchmark.
    buckets_written: int
    phases: dict[str, float]
    workers: int

    def __str__(self) -> str:
        return f"Trust rebuild #{self.pk} at {self.rebuilt_at:%Y-%m-%d %H:%M}"


class TrustPriorEstimate(models.Model):
    """The prior strength of each scored rate estimated from every seller's evidence (empirical Bayes,
    `domain.score.prior_strengths_estimate`), written by each full recompute (daily batch, rebuild) before it scores the
    sellers. The live per-seller recompute scores with the latest row (`services.prior_estimate_current`). One row per
    full recompute: the history of how the prior moved."""

    day = models.DateField(help_text="The day the estimate is as of (the recompute's day).")
    computed_at = models.DateTimeField(default=clock.now)
    sellers = models.PositiveIntegerField(help_text="Sellers with at least one trial of a scored rate.")
    strengths = models.JSONField(default=dict, help_text="Metric -> pseudo-observations of its prior.")

    def __str__(self) -> str:
        return f"Trust prior estimate #{self.pk} of {self.day} ({self.sellers} sellers)"
