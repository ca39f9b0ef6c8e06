OFFER_NOT_FOUND = "offer_not_found"
INVALID_OFFER = "invalid_offer"
INVALID_SHIPPING_PROFILE = "invalid_shipping_profile"
OFFER_DUPLICATE = "offer_duplicate"
INSUFFICIENT_STOCK = "insufficient_stock"
# Marketplace fulfilment does not exist yet: only an operator may mark an offer as fulfilled by the marketplace.
FULFILMENT_METHOD_RESERVED = "fulfilment_method_reserved"
