"""Background work of the catalog: the WebP renditions of uploaded pictures."""

from __future__ import annotations

from django.tasks import task

from comptoir.catalog.services import product_image_renditions_build


@task()
def product_image_renditions_task(image_id: int) -> int:
    """Make the renditions of one picture (queued on the upload's commit). Safe to run again: see the service."""
    return product_image_renditions_build(image_id=image_id)
