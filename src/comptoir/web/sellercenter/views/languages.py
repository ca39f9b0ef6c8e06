"""The "Languages" page of a product the seller created: its title, description and attributes in the site's other
languages (catalog.services.translations). Buyers reading a language see its translation, else the product's own text.
Variants share their family's text: a variant's page is its family's. Every POST redirects back with a message
(post/redirect/get); a refused form is shown again with the reasons next to the fields."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.catalog.domain.translations import language_base
from comptoir.catalog.models import Product
from comptoir.catalog.selectors import product_translations
from comptoir.catalog.services import product_translation_delete, product_translation_put
from comptoir.core.exceptions import ValidationError
from comptoir.web.sellercenter.access import seller_view

ATTRIBUTE_LINES_MAX = 100


def _language_names() -> dict[str, str]:
    return {code: str(name) for code, name in settings.LANGUAGES}


def _parse_attributes(text: str) -> dict[str, str]:
    """ "Name: value" lines (blank lines ignored). Raises forms.ValidationError on a line without a colon."""
    attributes: dict[str, str] = {}
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > ATTRIBUTE_LINES_MAX:
        raise forms.ValidationError(_("At most %(count)s lines.") % {"count": ATTRIBUTE_LINES_MAX})
    for line in lines:
        name, separator, value = line.partition(":")
        if not separator or not name.strip() or not value.strip():
            raise forms.ValidationError(_("Write one “Name: value” per line, such as “Farbe: Blau”."))
        attributes[name.strip()] = value.strip()
    return attributes


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000, required=False
    )
    attributes = forms.CharField(
        label=gettext_lazy("Characteristics"),
        help_text=gettext_lazy("One “Name: value” per line. Empty: buyers see the product's own characteristics."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, product: Product, **kwargs):
        super().__init__(*args, **kwargs)
        own = language_base(product.language)
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = [(code, name) for code, name in _language_names().items() if code != own]

    def clean_attributes(self) -> dict[str, str]:
        return _parse_attributes(self.cleaned_data.get("attributes", ""))


def _own_product(request, product_id: int) -> Product:
    """The seller's own product (a variant: its family when the seller may translate it); 404 for anyone else's."""
    product = Product.objects.filter(pk=product_id).first()
    if product is not None and product.parent_id is not None:
        product = Product.objects.filter(pk=product.parent_id).first()
    if product is None or product.created_by_seller_id != request.seller.pk:
        raise Http404
    return product


def _attribute_lines(attributes: dict) -> str:
    return "\n".join(f"{name}: {value}" for name, value in (attributes or {}).items())


def _page(request, product: Product, *, form: TranslationForm | None = None, status: int = 200):
    translations = list(product_translations(product.pk))
    names = _language_names()
    if form is None:
        wanted = request.GET.get("language", "")
        existing = next((item for item in translations if item.language == wanted), None)
        initial = (
            {
                "language": existing.language,
                "title": existing.title,
                "description": existing.description,
                "attributes": _attribute_lines(existing.attributes),
            }
            if existing is not None
            else {"language": wanted}
            if wanted in names
            else {}
        )
        form = TranslationForm(product=product, initial=initial)
    return render(
        request,
        "sellercenter/languages/product.html",
        {
            "section": "offers",
            "product": product,
            "own_language": names.get(language_base(product.language), product.language),
            "translations": [(item, names.get(item.language, item.language)) for item in translations],
            "form": form,
        },
        status=status,
    )


@seller_view
def product_languages(request, product_id: int):
    product = _own_product(request, product_id)
    if product.pk != product_id:
        return redirect("sellercenter:product_languages", product_id=product.pk)
    return _page(request, product)


@require_POST
@seller_view
def product_language_save(request, product_id: int):
    product = _own_product(request, product_id)
    form = TranslationForm(request.POST, product=product)
    if form.is_valid():
        try:
            saved = product_translation_put(
                product_id=product.pk,
                language=form.cleaned_data["language"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                attributes=form.cleaned_data["attributes"],
                seller=request.seller,
                actor=request.user,
            )
        except ValidationError as error:
            for field, message in error.fields.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            name = _language_names().get(saved.translation.language, saved.translation.language)
            if not saved.is_changed:
                messages.info(request, _("Nothing changed in %(language)s.") % {"language": name})
            else:
                messages.success(request, _("The %(language)s text is saved.") % {"language": name})
            return redirect("sellercenter:product_languages", product_id=product.pk)
    return _page(request, product, form=form, status=422)


@require_POST
@seller_view
def product_language_delete(request, product_id: int, language: str):
    product = _own_product(request, product_id)
    name = _language_names().get(language, language)
    if product_translation_delete(product_id=product.pk, language=language, seller=request.seller, actor=request.user):
        messages.success(request, _("The %(language)s text is removed.") % {"language": name})
    return redirect("sellercenter:product_languages", product_id=product.pk)
