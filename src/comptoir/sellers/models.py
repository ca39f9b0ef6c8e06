from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock
from comptoir.core.crypto import decrypt_text


class SellerStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")
    REJECTED = "rejected", _("Rejected")


class Seller(models.Model):
    """A seller organisation with its trader information (DSA Art. 30)."""

    name = models.CharField(_("shop name"), max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    status = models.CharField(max_length=16, choices=SellerStatus.choices, default=SellerStatus.PENDING, db_index=True)
    # Trader information
    legal_name = models.CharField(max_length=200)
    street = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=20)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2)
    phone = models.CharField(max_length=40)
    email = models.EmailField()
    trade_register = models.CharField(
        max_length=200, help_text="Name of the trade register (e.g. RCS Paris, Handelsregister B München)."
    )
    trade_register_number = models.CharField(max_length=100)
    vat_id = models.CharField(max_length=20)
    iban_encrypted = models.TextField(help_text="Fernet token; see core/crypto.py")
    iban_last4 = models.CharField(max_length=4)
    self_certified_at = models.DateTimeField()
    # Commercial terms
    commission_rate_bp = models.PositiveIntegerField(
        null=True, blank=True, help_text="Overrides the category rate when set (basis points: 1200 = 12%)."
    )
    default_currency = models.CharField(max_length=3, default="EUR")
    settlement_currency = models.CharField(
        max_length=3,
        blank=True,
        help_text="ISO 4217 currency the seller is settled and paid out in; empty: the currency of each offer sold.",
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    # Security policy set by an owner in the seller center: every member must use a confirmed TOTP device.
    require_two_factor = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate_bp__isnull=True) | models.Q(commission_rate_bp__lte=10000),
                name="seller_commission_at_most_100pct",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == SellerStatus.VERIFIED

    def iban(self) -> str:
        """Decrypt on demand; never cached on the instance, never logged."""
        return decrypt_text(self.iban_encrypted)

    @property
    def iban_masked(self) -> str:
        return f"•••• {self.iban_last4}"


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class SellerMember(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_memberships")
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.STAFF)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "user"], name="seller_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.seller} ({self.role})"


class ApiScope(models.TextChoices):
    OFFERS_READ = "offers:read", "Read offers"
    OFFERS_WRITE = "offers:write", "Create and change offers and stock"
    ORDERS_READ = "orders:read", "Read orders"
    ORDERS_WRITE = "orders:write", "Act on orders (accept, ship, cancel, returns)"
    FINANCE_READ = "finance:read", "Read balance and statement"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage webhook endpoints, read and replay deliveries"


ALL_SCOPES = [scope.value for scope in ApiScope]


class SellerApiKey(models.Model):
    """An integration key. Only its SHA-256 is stored; revocable; scoped."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.seller} – {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
