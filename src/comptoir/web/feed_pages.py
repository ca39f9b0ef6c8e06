"""The feed pages shared by the seller center (a seller's feeds) and the operator console (the marketplace's feeds):
forms, the columns' text notation, the reasons an offer is left out, and the views' bodies, each scoped to `seller`
(None: the marketplace's, which the feeds services let only an operator touch)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.feeds.domain.channel import CONSTANT, FIELDS
from comptoir.feeds.models import FeedFormat, FeedKind
from comptoir.feeds.selectors import feed_get, feed_list, feed_token
from comptoir.feeds.services import feed_create, feed_delete, feed_token_rotate, feed_update, feed_url
from comptoir.feeds.tasks import feed_generate_task
from comptoir.web.sellercenter.messages import apply_service_error

REASONS = {
    "does_not_ship_there": _("Does not ship to the feed's country"),
    "no_exchange_rate": _("No exchange rate to the feed's currency"),
    "no_image": _("No picture"),
    "no_description": _("No description"),
    "no_title": _("No title"),
    "no_price": _("No price"),
    "id_too_long": _("Identifier too long"),
    "link_too_long": _("Address too long"),
}
COLUMNS_HELP = _(
    "One column per line: Column name = field. A fixed text is written in double quotes. Fields: %(fields)s."
)


def columns_from_text(text: str) -> list[dict]:
    """'Title = title' and 'Channel = "comptoir"' lines as the services' column mapping."""
    columns = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        column, _separator, field = line.partition("=")
        field = field.strip()
        if len(field) >= 2 and field[0] == field[-1] == '"':
            columns.append({"column": column.strip(), "field": CONSTANT, "value": field[1:-1]})
        else:
            columns.append({"column": column.strip(), "field": field})
    return columns


def columns_to_text(columns: list[dict]) -> str:
    return "\n".join(
        f'{item["column"]} = "{item.get("value", "")}"'
        if item["field"] == CONSTANT
        else f"{item['column']} = {item['field']}"
        for item in columns
    )


class FeedChangeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    country = forms.CharField(
        label=_("Country"), min_length=2, max_length=2, help_text=_("ISO code of the country buyers are in: FR, DE…")
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    currency = forms.CharField(label=_("Currency"), min_length=3, max_length=3, help_text=_("ISO code: EUR, GBP…"))
    columns = forms.CharField(label=_("Columns"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].help_text = COLUMNS_HELP % {"fields": ", ".join(FIELDS)}

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].upper()

    def clean_columns(self) -> list[dict]:
        return columns_from_text(self.cleaned_data["columns"])


class FeedForm(FeedChangeForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeedKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=FeedFormat.choices)
    field_order = ["name", "kind", "format", "country", "language", "currency", "columns"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]


def feed_list_page(request, *, seller, template: str, context: dict):
    """The feeds and the form that adds one (then the feed's page)."""
    form = FeedForm(request.POST or None, initial={"country": "FR", "currency": "EUR", "language": "fr"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feed, _token = feed_create(
                seller=seller,
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                format=data["format"],
                country=data["country"],
                language=data["language"],
                currency=data["currency"],
                columns=data["columns"] if data["kind"] == FeedKind.CHANNEL else [],
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, gettext("The feed is created; it is being generated."))
            return redirect(context["detail_url"], feed_id=feed.pk)
    context = {**context, "form": form, "feeds": list(feed_list(seller))}
    return render(request, template, context, status=422 if request.method == "POST" else 200)


def feed_detail_page(request, *, seller, feed_id: int, template: str, context: dict):
    """One feed: its address, what its last generation left out and why, and its settings."""
    feed = feed_get(seller, feed_id)
    if feed is None:
        raise Http404
    initial = {
        "name": feed.name,
        "country": feed.country,
        "language": feed.language,
        "currency": feed.currency,
        "columns": columns_to_text(feed.columns),
        "is_active": feed.is_active,
    }
    form = FeedChangeForm(request.POST or None, initial=initial)
    if feed.kind == FeedKind.GOOGLE:
        del form.fields["columns"]
    if request.method == "POST" and form.is_valid():
        try:
            feed_update(seller=seller, actor=request.user, feed_id=feed.pk, changes=form.cleaned_data)
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, gettext("The feed is saved; it is being generated again."))
            return redirect(context["detail_url"], feed_id=feed.pk)
    exclusions = [
        {**row, "labels": [REASONS.get(code, code) for code in row.get("reasons", [])]} for row in feed.exclusions
    ]
    context = {
        **context,
        "feed": feed,
        "url": feed_url(feed_token(feed)),
        "form": form,
        "exclusions": exclusions,
    }
    return render(request, template, context, status=422 if request.method == "POST" else 200)


def feed_action(request, *, seller, feed_id: int, action: str, list_url: str, detail_url: str):
    """POST actions: a new address (`token`), `generate` now, `delete`."""
    try:
        if action == "token":
            feed_token_rotate(seller=seller, actor=request.user, feed_id=feed_id)
            messages.success(request, gettext("The feed has a new address; the old one no longer works."))
        elif action == "generate":
            feed = feed_get(seller, feed_id)
            if feed is None:
                raise Http404
            feed_generate_task.enqueue(feed.pk)
            messages.success(request, gettext("The feed is being generated."))
        elif action == "delete":
            feed_delete(seller=seller, actor=request.user, feed_id=feed_id)
            messages.success(request, gettext("The feed is removed; its address no longer works."))
            return redirect(list_url)
        else:
            raise Http404
    except NotFound as error:
        raise Http404 from error
    return redirect(detail_url, feed_id=feed_id)
