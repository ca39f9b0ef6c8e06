INVALID_FEED = "invalid_feed"
FEED_NOT_FOUND = "feed_not_found"
TOO_MANY_FEEDS = "too_many_feeds"
