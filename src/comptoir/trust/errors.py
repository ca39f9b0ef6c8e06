"""Error codes the trust services raise (ApplicationError.code): stable, the API and the web map them to messages."""

from __future__ import annotations

from comptoir.core.permissions import OPERATOR_REQUIRED as OPERATOR_REQUIRED  # raised by require_operator

# Reviews and messages
SELLER_ORDER_NOT_FOUND = "seller_order_not_found"
INVALID_RATING = "invalid_rating"
INVALID_TEXT = "invalid_text"
REVIEW_NOT_ALLOWED = "review_not_allowed"
REVIEW_EXISTS = "review_exists"
REVIEW_NOT_FOUND = "review_not_found"
INVALID_REPLY = "invalid_reply"
REPLY_EXISTS = "reply_exists"
REPORT_EXISTS = "report_exists"
REPORT_NOT_FOUND = "report_not_found"
REPORT_DECIDED = "report_decided"
INVALID_MESSAGE = "invalid_message"

# Operator decisions (moderation, overrides, appeals)
NOTE_REQUIRED = "note_required"
REASON_REQUIRED = "reason_required"
INVALID_TIER = "invalid_tier"

# Appeals
APPEAL_TEXT_REQUIRED = "appeal_text_required"
ENFORCEMENT_NOT_FOUND = "enforcement_not_found"
APPEAL_PERIOD_ENDED = "appeal_period_ended"
APPEAL_OPEN = "appeal_open"
APPEAL_NOT_FOUND = "appeal_not_found"
APPEAL_DECIDED = "appeal_decided"

# Manual measures (warning, reduced visibility, suspension, tier override, lifting, reinstatement)
INVALID_MEASURE = "invalid_measure"
INVALID_GROUND = "invalid_ground"
MEASURE_ACTIVE = "measure_active"
MEASURE_NOT_ACTIVE = "measure_not_active"
SELLER_NOT_FOUND = "seller_not_found"
SELLER_NOT_VERIFIED = "seller_not_verified"
SELLER_NOT_SUSPENDED = "seller_not_suspended"

# Proposals after a history import (trust.services.measures).
PROPOSAL_NOT_FOUND = "proposal_not_found"
PROPOSAL_DECIDED = "proposal_decided"
PROPOSAL_LAPSED = "proposal_lapsed"
