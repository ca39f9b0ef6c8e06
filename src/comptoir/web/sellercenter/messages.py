"""Service error messages in the visitor's language.

The domain services speak English (the API returns their messages as they are). The seller center shows
them next to the field in the active language: fixed messages are looked up in this app's catalog, and
the few messages built around a value (a VAT or IBAN check from python-stdnum, a maximum) are split into
their pattern and parts, each translated."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

from comptoir.core.exceptions import ApplicationError
from comptoir.core.message_patterns import MessagePattern, message_pattern, translated_message

# Messages the services raise, listed so that makemessages puts them in the catalog.
KNOWN_MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("Use an ISO 3166 two-letter country code."),
    gettext_noop("A VAT identification number is required."),
    gettext_noop("VAT number must be 4 to 20 letters or digits."),
    gettext_noop("Enter a phone number with 6 to 15 digits, international format preferred (+33 …)."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("You must certify that you only offer products that comply with EU law (DSA Art. 30(1)(e))."),
    gettext_noop("A shop name of 1 to 120 characters is required."),
    gettext_noop("A SKU of 1 to 100 characters is required."),
    gettext_noop("The price must be positive."),
    gettext_noop("Unknown product."),
    gettext_noop("Unknown shipping profile."),
    gettext_noop("SKU already used, or you already offer this product in this condition."),
    gettext_noop("Unknown SKU."),
    gettext_noop("Some stock updates are invalid; nothing was changed."),
    gettext_noop("The carrier's name is required."),
    gettext_noop("A tracking number has 5 to 40 letters or digits."),
    gettext_noop("A reason is required for this action."),
    gettext_noop("A title of 1 to 300 characters is required."),
    gettext_noop("Unknown category."),
    gettext_noop("An HS code has 6 to 10 digits."),
    gettext_noop("At most 120 characters."),
    gettext_noop("At most 300 characters."),
    # Country rules (compliance.services).
    gettext_noop("Unknown registration scheme."),
    gettext_noop("This registration is issued for another country."),
    gettext_noop("Battery producer registrations are per EU Member State."),
    gettext_noop("The responsible person must be established in an EU Member State."),
    gettext_noop("One line of text, without control characters."),
    gettext_noop("0 to 365 days."),
    gettext_noop("Already a member of this seller."),
    gettext_noop("No account uses this email address; ask the person to register first."),
    gettext_noop("Only an owner can add members."),
    gettext_noop("The hold period has not elapsed."),
    gettext_noop("No such order."),
    gettext_noop("No such offer."),
    gettext_noop("ISO country codes, or '*' for the rest of the world."),
    gettext_noop("At least one rate is required."),
    gettext_noop("A non-negative whole number of minor units."),
    gettext_noop("0 ≤ min ≤ max ≤ 90."),
    gettext_noop("Required."),
    gettext_noop("A GTIN has 8, 12, 13 or 14 digits."),
    gettext_noop("The GTIN check digit is wrong."),
    gettext_noop("A product with this GTIN already exists; attach an offer to it instead."),
    # Product families and variants (catalog.domain.variants, catalog.services.variants)
    gettext_noop("At least one option group (such as Size or Colour) is required."),
    gettext_noop("Option groups must have different names."),
    gettext_noop("A value is required."),
    gettext_noop("This family already has a variant with these options."),
    gettext_noop("This product is a family: offer one of its variants."),
    gettext_noop("Only the seller who created this family or sells one of its variants can add a variant."),
    # Choice labels of the domain models shown in the seller center (seller status, offer condition)
    gettext_noop("Pending verification"),
    gettext_noop("Verified"),
    gettext_noop("Suspended"),
    gettext_noop("Rejected"),
    gettext_noop("New"),
    gettext_noop("Refurbished"),
    gettext_noop("Used – like new"),
    gettext_noop("Used – good"),
    gettext_noop("Used – acceptable"),
    # python-stdnum's reasons, which end the VAT and IBAN messages (without their final full stop)
    gettext_noop("The number's checksum or check digit is invalid"),
    gettext_noop("The number has an invalid length"),
    gettext_noop("The number has an invalid format"),
    gettext_noop("One of the parts of the number are invalid or unknown"),
]

_PATTERNS: list[MessagePattern] = [
    # Webhook endpoints (webhooks.services.webhook_url_check): the address that was refused.
    message_pattern(
        gettext_noop("Webhooks cannot be sent there: %(host)s resolves to %(address)s, a private or reserved address."),
        host=r"\S+",
        address=r"\S+",
    ),
    message_pattern(gettext_noop("Webhooks cannot be sent there: %(host)s does not resolve."), host=r"\S+"),
    message_pattern(gettext_noop("You already have %(count)s endpoints; remove one first."), count="[0-9]+"),
    message_pattern(gettext_noop("Not a valid %(country)s VAT number: %(reason)s."), country="[A-Z]{2}"),
    message_pattern(gettext_noop("Not a valid IBAN: %(reason)s.")),
    message_pattern(
        gettext_noop(
            "This VAT number starts with %(prefix)s but the seller is established in %(country)s; a %(expected)s VAT "
            "number is expected."
        ),
        prefix="[A-Z]{2}",
        country="[A-Z]{2}",
        expected="[A-Z]{2}",
    ),
    message_pattern(gettext_noop("A whole number from 0 to %(maximum)s."), maximum=r"\d+"),
    message_pattern(gettext_noop("0 to %(maximum)s business days."), maximum=r"\d+"),
    message_pattern(gettext_noop("The price may not exceed %(maximum)s.")),
    message_pattern(gettext_noop("This shipping profile has no rate in %(currency)s."), currency="[A-Z]{3}"),
    message_pattern(
        gettext_noop("%(currency)s amounts have at most %(digits)s decimal places."), currency="[A-Z]{3}", digits=r"\d+"
    ),
    # An order's state refuses the action: the action and state are not worth repeating in translation.
    message_pattern(
        "Cannot %(action)s an order that is %(status)s.",
        shown_as=gettext_noop("This action is not possible for an order in this state."),
        action="[a-z ]+",
        status="[a-z ]+",
    ),
    message_pattern(
        "A seller cannot %(action)s an order that is %(status)s.",
        shown_as=gettext_noop("This action is not possible for an order in this state."),
        action="[a-z ]+",
        status="[a-z ]+",
    ),
]


def translate_service_message(message: str) -> str:
    """The message in the active language when the catalog knows it (or its pattern), else as it is."""
    if not isinstance(message, str):
        return str(message)
    known = translated_message(message, _PATTERNS, gettext, translate_values=True)
    return known if known is not None else gettext(message)


def apply_service_error(form, error: ApplicationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's field errors next to the form's fields (`field_map` renames service fields to
    form fields); errors about fields the form does not have, or no field at all, go on top of the form."""
    field_map = field_map or {}
    placed = False
    for name, message in (error.fields or {}).items():
        target = field_map.get(name, name)
        text = translate_service_message(message)
        if target in form.fields:
            form.add_error(target, text)
        else:
            form.add_error(None, f"{name}: {text}" if name not in field_map else text)
        placed = True
    nested = (error.extra or {}).get("fields") or {}
    for name, message in nested.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, translate_service_message(message))
        placed = True
    if not placed:
        form.add_error(None, translate_service_message(error.message))
