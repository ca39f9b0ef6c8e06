"""Pictures and 3D/AR files of a product the seller offers (catalog.services.pictures).

A seller with an offer on a product adds pictures and 3D files to it and deletes those it added; other sellers'
pictures are shown (the product is shared) without a delete button. Every POST redirects back to the page
(post/redirect/get) with a message; a refused upload shows the page again with the reason next to the field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.conf import catalog_media_settings
from comptoir.catalog.selectors import product_get, product_images, product_models_3d, seller_may_add_media
from comptoir.catalog.services import (
    product_image_delete,
    product_image_move,
    product_image_upload,
    product_model_3d_delete,
    product_model_3d_upload,
)
from comptoir.core.exceptions import ApplicationError
from comptoir.web.sellercenter.access import seller_view

PICTURE_TYPES = "image/jpeg,image/png,image/webp"
MODEL_TYPES = ".glb,.usdz,model/gltf-binary,model/vnd.usdz+zip"


class PictureForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Picture"),
        widget=forms.FileInput(attrs={"accept": PICTURE_TYPES}),
    )
    alt_text = forms.CharField(
        label=gettext_lazy("What the picture shows"),
        help_text=gettext_lazy("Read aloud to buyers who cannot see it, e.g. “Blue teapot seen from the side”."),
        max_length=300,
        required=False,
    )


class Model3DForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("3D or AR file (GLB or USDZ)"),
        widget=forms.FileInput(attrs={"accept": MODEL_TYPES}),
    )


def _error_message(error: ApplicationError) -> str:
    """The refusal in the visitor's language, with the limit that applies."""
    limits = catalog_media_settings()
    pictures = limits.picture_limits
    texts = {
        catalog_errors.FILE_TOO_LARGE: _("The file is too large: at most %(size)s.")
        % {"size": filesizeformat(pictures.max_bytes)},
        catalog_errors.UNSUPPORTED_FILE_TYPE: _("This file is not of an accepted type, whatever its name says."),
        catalog_errors.INVALID_IMAGE: _("This file is not a readable picture (damaged or truncated)."),
        catalog_errors.IMAGE_TOO_MANY_PIXELS: _("The picture has too many pixels: at most %(pixels)s megapixels.")
        % {"pixels": pictures.max_pixels // 1_000_000},
        catalog_errors.IMAGE_TOO_SMALL: _("The picture is too small: each side needs at least %(side)s pixels.")
        % {"side": pictures.min_side},
        catalog_errors.IMAGE_TOO_BIG: _("The picture is too large: each side may have at most %(side)s pixels.")
        % {"side": pictures.max_side},
        catalog_errors.TOO_MANY_IMAGES: _("This product has its maximum number of pictures or 3D files."),
        catalog_errors.INVALID_MODEL_3D: _("This is not a valid GLB (glTF 2.0) or USDZ file."),
        catalog_errors.INVALID_ALT_TEXT: _("At most 300 characters, without control characters."),
        catalog_errors.MEDIA_NOT_YOURS: _(
            "Another seller added this file; only they or the marketplace can remove it."
        ),
    }
    return texts.get(error.code, error.message)


def _product_for_seller(request, product_id: int):
    product = product_get(product_id)
    if product is None:
        raise Http404
    if not seller_may_add_media(seller_id=request.seller.pk, product_id=product.pk):
        raise PermissionDenied(_("Only sellers with an offer on this product can manage its pictures."))
    return product


def _page(request, product, *, picture_form=None, model_form=None, status: int = 200):
    limits = catalog_media_settings()
    images = list(product_images(product.pk))
    return render(
        request,
        "sellercenter/pictures/product.html",
        {
            "section": "offers",
            "product": product,
            "images": images,
            "models_3d": list(product_models_3d(product.pk)),
            "picture_form": picture_form or PictureForm(),
            "model_form": model_form or Model3DForm(),
            "limits": limits,
            "max_megapixels": limits.picture_limits.max_pixels // 1_000_000,
            "can_add_picture": len(images) < limits.images_per_product,
        },
        status=status,
    )


@seller_view
def product_media(request, product_id: int):
    return _page(request, _product_for_seller(request, product_id))


@require_POST
@seller_view
def picture_add(request, product_id: int):
    product = _product_for_seller(request, product_id)
    form = PictureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            outcome = product_image_upload(
                product_id=product.pk,
                seller=request.seller,
                actor=request.user,
                content=form.cleaned_data["file"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except ApplicationError as error:
            field = "alt_text" if error.code == catalog_errors.INVALID_ALT_TEXT else "file"
            form.add_error(field, _error_message(error))
        else:
            if outcome.created:
                messages.success(request, _("Picture added. Its smaller versions are being prepared."))
            else:
                messages.info(request, _("This picture is already on the product."))
            return redirect("sellercenter:product_media", product_id=product.pk)
    return _page(request, product, picture_form=form, status=422)


@require_POST
@seller_view
def picture_delete(request, product_id: int, image_id: int):
    product = _product_for_seller(request, product_id)
    try:
        product_image_delete(image_id=image_id, product_id=product.pk, seller=request.seller, actor=request.user)
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, _error_message(error))
    else:
        messages.success(request, _("Picture deleted."))
    return redirect("sellercenter:product_media", product_id=product.pk)


@require_POST
@seller_view
def picture_move(request, product_id: int, image_id: int):
    """Move a picture one place up (towards the main picture) or down; any seller of the product may, as adding."""
    product = _product_for_seller(request, product_id)
    try:
        product_image_move(
            product_id=product.pk,
            image_id=image_id,
            seller=request.seller,
            actor=request.user,
            direction=request.POST.get("direction", ""),
        )
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, _("Move a picture up or down."))
    else:
        messages.success(request, _("Pictures reordered."))
    return redirect("sellercenter:product_media", product_id=product.pk)


@require_POST
@seller_view
def model_3d_add(request, product_id: int):
    product = _product_for_seller(request, product_id)
    form = Model3DForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            outcome = product_model_3d_upload(
                product_id=product.pk, seller=request.seller, actor=request.user, content=form.cleaned_data["file"]
            )
        except ApplicationError as error:
            if error.code == catalog_errors.FILE_TOO_LARGE:
                message = _("The file is too large: at most %(size)s.") % {
                    "size": filesizeformat(catalog_media_settings().model_limits.max_bytes)
                }
            else:
                message = _error_message(error)
            form.add_error("file", message)
        else:
            messages.success(request, _("3D file added.") if outcome.created else _("This file is already there."))
            return redirect("sellercenter:product_media", product_id=product.pk)
    return _page(request, product, model_form=form, status=422)


@require_POST
@seller_view
def model_3d_delete(request, product_id: int, model_id: int):
    product = _product_for_seller(request, product_id)
    try:
        product_model_3d_delete(model_id=model_id, product_id=product.pk, seller=request.seller, actor=request.user)
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, _error_message(error))
    else:
        messages.success(request, _("3D file deleted."))
    return redirect("sellercenter:product_media", product_id=product.pk)
