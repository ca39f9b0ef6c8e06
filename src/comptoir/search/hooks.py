"""Keeping the index in step with writes: the catalog and offer models' saves are the events. Handlers reindex the
touched products inside the writer's transaction, so the index never shows a state that was rolled back.
(Bulk inserts send no signal: their callers finish with `search_reindex()`, as the demo seeder does.)"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _product_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from comptoir.search.services import search_index_products

    search_index_products([instance.pk])


def _offer_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from comptoir.search.services import search_index_products

    search_index_products([instance.product_id])


def _shipping_rate_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from comptoir.offers.models import Offer
    from comptoir.search.services import search_index_products

    search_index_products(Offer.objects.filter(shipping_profile_id=instance.profile_id).values_list("product_id", flat=True))


def _seller_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw or created:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    from comptoir.search.services import search_index_sellers

    search_index_sellers([instance.pk])


def connect() -> None:
    from comptoir.catalog.models import Product
    from comptoir.offers.models import Offer, ShippingRate
    from comptoir.sellers.models import Seller

    post_save.connect(_product_saved, sender=Product, dispatch_uid="search.product_saved")
    post_save.connect(_offer_changed, sender=Offer, dispatch_uid="search.offer_saved")
    post_delete.connect(_offer_changed, sender=Offer, dispatch_uid="search.offer_deleted")
    post_save.connect(_shipping_rate_changed, sender=ShippingRate, dispatch_uid="search.rate_saved")
    post_delete.connect(_shipping_rate_changed, sender=ShippingRate, dispatch_uid="search.rate_deleted")
    post_save.connect(_seller_saved, sender=Seller, dispatch_uid="search.seller_saved")
