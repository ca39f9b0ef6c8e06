"""Domain labels the storefront shows (model choices of offers and orders). Listed here so that `makemessages`
puts them in the storefront's catalog; the models mark them with gettext_lazy and Django merges catalogs."""

from django.utils.translation import gettext_noop

DOMAIN_STRINGS = (
    # offers.Condition
    gettext_noop("New"),
    gettext_noop("Refurbished"),
    gettext_noop("Used – like new"),
    gettext_noop("Used – good"),
    gettext_noop("Used – acceptable"),
    # offers.FulfilmentMethod
    gettext_noop("Shipped by the seller"),
    gettext_noop("Fulfilled by the marketplace"),
    gettext_noop("Shipped by the seller's supplier"),
    # orders.OrderStatus
    gettext_noop("Awaiting payment"),
    gettext_noop("Payment under review"),
    gettext_noop("Paid"),
    gettext_noop("Payment failed"),
    # orders.ReturnReason
    gettext_noop("Not as described"),
    gettext_noop("Arrived damaged"),
    gettext_noop("Wrong item sent"),
    gettext_noop("No longer needed"),
    gettext_noop("Other"),
    # orders.DisputeStatus and DisputeReason
    gettext_noop("Open"),
    gettext_noop("Decided for the buyer"),
    gettext_noop("Decided for the seller"),
    gettext_noop("Item not received"),
    gettext_noop("Return not refunded"),
)
