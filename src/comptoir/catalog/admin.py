"""Categories, commission rates and the shared catalog in the operator console.

A category is created through catalog.services.category_create and only its commission rate can be
changed afterwards, through catalog.services.category_set_commission (audited with the operator).
Products are browsed here, not edited."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count

from comptoir.catalog import services
from comptoir.catalog.conf import catalog_settings
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.models import Category, Product, ProductImage, ProductModel3D, ProductTranslation
from comptoir.core.admin import (
    OperatorActionsMixin,
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
    basis_points_display,
)
from comptoir.core.exceptions import ApplicationError


def search_by_gtin_first(parent_admin, request, queryset, search_term: str, gtin_field: str):
    """A search term that is a valid GTIN in any of its forms (8, 12, 13 or 14 digits) finds the
    product stored under its 14-digit key; anything else is the admin's ordinary search."""
    gtin, _ = normalise_gtin(search_term.strip())
    if gtin is not None:
        return queryset.filter(**{gtin_field: gtin}), False
    return parent_admin.get_search_results(request, queryset, search_term)


class CategoryChangeList(ChangeList):
    """Computes each listed category's effective (inherited) commission with one query for the page."""

    def get_results(self, request):
        super().get_results(request)
        ancestor_ids = {
            int(part) for category in self.result_list for part in category.path.strip("/").split("/") if part
        }
        rates = dict(Category.objects.filter(pk__in=ancestor_ids).values_list("pk", "commission_rate_bp"))
        default = catalog_settings().default_commission_bp
        for category in self.result_list:
            ids = [int(part) for part in category.path.strip("/").split("/") if part]
            category.effective_commission_bp = next(
                (rates[pk] for pk in reversed(ids) if rates.get(pk) is not None), default
            )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("tree_name", "slug", "own_commission", "effective_commission", "product_count", "position")
    search_fields = ("name_en", "name_fr", "slug")
    list_filter = ("depth",)
    ordering = ("path",)
    list_per_page = 200
    add_fields = (
        "parent",
        "name_en",
        "name_fr",
        "names",
        "slug",
        "position",
        "commission_rate_bp",
        "expected_attributes",
    )
    change_fields = (
        "tree_name",
        "slug",
        "parent",
        "name_en",
        "name_fr",
        "names",
        "position",
        "expected_attributes",
        "commission_rate_bp",
    )

    def get_changelist(self, request, **kwargs):
        return CategoryChangeList

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products", distinct=True))

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        # After creation only the commission rate and the names in other languages change (through their services);
        # the tree is fixed.
        editable = {"commission_rate_bp", "names"}
        return () if obj is None else tuple(name for name in self.change_fields if name not in editable)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="category", ordering="path")
    def tree_name(self, category: Category) -> str:
        return f"{'— ' * category.depth}{category.name_en}"

    @admin.display(description="own rate", ordering="commission_rate_bp")
    def own_commission(self, category: Category) -> str:
        return (
            basis_points_display(category.commission_rate_bp)
            if category.commission_rate_bp is not None
            else "inherited"
        )

    @admin.display(description="effective rate")
    def effective_commission(self, category: Category) -> str:
        rate = getattr(category, "effective_commission_bp", None)
        if rate is None:
            from comptoir.catalog.selectors import category_commission_bp

            rate = category_commission_bp(category)
        return basis_points_display(rate)

    @admin.display(description="products", ordering="product_total")
    def product_count(self, category: Category) -> int:
        return getattr(category, "product_total", 0)

    def save_model(self, request, obj, form, change):
        try:
            if change:
                if "commission_rate_bp" in form.changed_data:
                    services.category_set_commission(
                        category_id=obj.pk,
                        commission_rate_bp=form.cleaned_data["commission_rate_bp"],
                        actor=request.user,
                    )
                if "names" in form.changed_data:
                    services.category_set_names(
                        category_id=obj.pk, names=form.cleaned_data["names"] or {}, actor=request.user
                    )
                return
            created = services.category_create(
                name_en=form.cleaned_data["name_en"],
                name_fr=form.cleaned_data["name_fr"],
                parent=form.cleaned_data["parent"],
                slug=form.cleaned_data["slug"],
                commission_rate_bp=form.cleaned_data["commission_rate_bp"],
                expected_attributes=form.cleaned_data["expected_attributes"],
                position=form.cleaned_data["position"],
                names=form.cleaned_data["names"] or None,
                actor=request.user,
            )
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return
        # The admin redirects to the object it was given: hand it the row the service created.
        obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth

    def save_related(self, request, form, formsets, change):
        # No relations are edited here; skipping form.save_m2m() keeps every write inside the services.
        return None


class ProductTranslationInline(ReadOnlyTabularInline):
    """The product's text in other languages, written by its seller (seller center or API), shown here to moderate."""

    model = ProductTranslation
    fields = ("language", "title", "description", "attributes", "updated_by_seller", "updated_at")
    readonly_fields = fields


class ProductImageInline(ReadOnlyTabularInline):
    model = ProductImage
    fields = ("position", "file", "url", "alt_text", "uploaded_by_seller")
    readonly_fields = fields


MODERATION_REASON = "Removed by the marketplace (console moderation)."


@admin.register(ProductImage)
class ProductImageAdmin(OperatorActionsMixin, ReadOnlyModelAdmin):
    """Moderation: an operator removes pictures that break the rules, through catalog.services (audited)."""

    list_display = ("__str__", "product", "uploaded_by_seller", "width", "height", "created_at")
    list_select_related = ("product", "uploaded_by_seller")
    search_fields = ("=product__gtin", "product__title", "alt_text")
    ordering = ("-created_at",)
    actions = ["remove_pictures"]
    fields = ("product", "file", "url", "alt_text", "position", "width", "height", "uploaded_by_seller", "created_at")
    readonly_fields = fields

    @admin.action(description="Remove the selected pictures (moderation)", permissions=["operator"])
    def remove_pictures(self, request, queryset):
        self.run_service_for_each(
            request,
            queryset,
            lambda image: services.product_image_delete(
                image_id=image.pk, actor=request.user, reason=MODERATION_REASON
            ),
            done="Pictures removed",
        )


@admin.register(ProductModel3D)
class ProductModel3DAdmin(OperatorActionsMixin, ReadOnlyModelAdmin):
    list_display = ("__str__", "product", "kind", "byte_size", "uploaded_by_seller", "created_at")
    list_select_related = ("product", "uploaded_by_seller")
    ordering = ("-created_at",)
    actions = ["remove_models"]

    @admin.action(description="Remove the selected 3D files (moderation)", permissions=["operator"])
    def remove_models(self, request, queryset):
        self.run_service_for_each(
            request,
            queryset,
            lambda model: services.product_model_3d_delete(
                model_id=model.pk, actor=request.user, reason=MODERATION_REASON
            ),
            done="3D files removed",
        )


@admin.register(Product)
class ProductAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "gtin", "brand", "category", "created_by_seller", "offer_count", "created_at")
    list_filter = ("language", ("category", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=gtin", "title", "brand", "offers__sku")
    list_select_related = ("category", "created_by_seller")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = (
        "title",
        "gtin",
        "brand",
        "category",
        "description",
        "attributes",
        "language",
        "weight_grams",
        "length_mm",
        "width_mm",
        "height_mm",
        "country_of_origin",
        "hs_code",
        "created_by_seller",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    # offers/admin.py adds the product's offers (catalog does not import offers).
    inlines = [ProductImageInline, ProductTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(offer_total=Count("offers", distinct=True))

    def get_search_results(self, request, queryset, search_term):
        return search_by_gtin_first(super(), request, queryset, search_term, "gtin")

    @admin.display(description="offers", ordering="offer_total")
    def offer_count(self, product: Product) -> int:
        return getattr(product, "offer_total", 0)
