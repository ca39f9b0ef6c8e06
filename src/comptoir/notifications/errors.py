"""Error codes of the notifications app."""

NOTIFICATION_NOT_FOUND = "notification_not_found"
UNKNOWN_KIND = "unknown_notification_kind"
UNKNOWN_CHANNEL = "unknown_notification_channel"
