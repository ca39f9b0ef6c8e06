"""Storefront forms: they parse and bound the input; the business rules stay in the services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.offers.models import Condition
from comptoir.offers.selectors import DELIVERY_DAY_BUCKETS, SEARCH_SORTS
from comptoir.orders.models import DisputeReason, ReturnReason
from comptoir.web.storefront.countries import country_choices

SORT_LABELS = {
    "relevance": _("Relevance"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "newest": _("Newest"),
}


class SearchForm(forms.Form):
    """The search page's query string. Invalid values are dropped rather than refused: a search always shows
    something."""

    q = forms.CharField(required=False, max_length=200)
    category = forms.IntegerField(required=False, min_value=1, max_value=2**31)
    condition = forms.MultipleChoiceField(required=False, choices=Condition.choices)
    ships_from = forms.CharField(required=False, max_length=2)
    price_min = forms.DecimalField(required=False, min_value=0, max_value=10_000_000, decimal_places=2, label=_("Min"))
    price_max = forms.DecimalField(required=False, min_value=0, max_value=10_000_000, decimal_places=2, label=_("Max"))
    delivery = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[(str(days), str(days)) for days in DELIVERY_DAY_BUCKETS]
    )
    sort = forms.ChoiceField(
        required=False, choices=[(value, SORT_LABELS[value]) for value in SEARCH_SORTS], label=_("Sort by")
    )
    rating = forms.TypedChoiceField(
        required=False, coerce=float, empty_value=None, choices=[("4.5", "4.5"), ("4.0", "4.0"), ("3.0", "3.0")]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def cleaned_or_default(self) -> dict:
        """Valid fields as parsed; invalid ones as if absent."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) if name not in self.errors else None for name in self.fields}
        data["q"] = (data["q"] or "").strip()
        data["ships_from"] = (data["ships_from"] or "").upper()
        data["sort"] = data["sort"] or "relevance"
        data["condition"] = tuple(data["condition"] or ())
        return data


class DeliveryCountryForm(forms.Form):
    country = forms.ChoiceField(label=_("Deliver to"), choices=country_choices)


class AddToCartForm(forms.Form):
    offer_id = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=settings.COMPTOIR["MAX_LINE_QUANTITY"], initial=1
    )


class CartQuantityForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=0,
        max_value=settings.COMPTOIR["MAX_LINE_QUANTITY"],
        help_text=_("0 removes the line."),
    )


class CheckoutForm(forms.Form):
    """Address and card. The per-seller shipping choices are read separately (their names depend on the cart)."""

    name = forms.CharField(label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    street = forms.CharField(
        label=_("Street and number"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    city = forms.CharField(
        label=_("City"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices, widget=forms.Select(attrs={"autocomplete": "country"})
    )
    vat_number = forms.CharField(
        label=_("VAT number (business purchase)"),
        max_length=40,
        required=False,
        help_text=_(
            "Optional. A VAT number of the delivery country: a purchase from a seller in another EU country is then "
            "invoiced without VAT (reverse charge)."
        ),
    )
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "placeholder": "4242 4242 4242 4242"}
        ),
    )
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)

    def clean_card_number(self) -> str:
        digits = "".join(character for character in self.cleaned_data["card_number"] if character.isdigit())
        if not 12 <= len(digits) <= 19 or any(
            not (character.isdigit() or character in " -") for character in self.cleaned_data["card_number"]
        ):
            raise forms.ValidationError(_("Enter the card number: 12 to 19 digits."))
        return digits

    def address(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "street", "postal_code", "city", "country")}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why do you cancel?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    """The reason, a comment and, per line of the seller order, how many units go back (`line_<order line id>`)."""

    return_reason = forms.ChoiceField(label=_("Reason for the return"), choices=ReturnReason.choices)
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_ids = []
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_("%(title)s: units to return (of %(quantity)s)")
                % {"title": line.title, "quantity": line.quantity},
                min_value=0,
                max_value=line.quantity,
                required=False,
                initial=line.quantity if len(lines) == 1 else 0,
                widget=forms.NumberInput(attrs={"class": "return-quantity"}),
            )
            self.line_ids.append(line.pk)

    def clean(self):
        data = super().clean()
        if self.line_ids and not any(data.get(f"line_{line_id}") for line_id in self.line_ids):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return data

    def chosen_lines(self) -> dict[int, int] | None:
        """order line id -> units to return; None when the form was built without lines."""
        if not self.line_ids:
            return None
        return {line_id: self.cleaned_data.get(f"line_{line_id}") or 0 for line_id in self.line_ids}


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("What went wrong?"), choices=DisputeReason.choices)
    description = forms.CharField(
        label=_("Describe the problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmDeliveryForm(forms.Form):
    pass
