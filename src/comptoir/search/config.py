"""Former name of comptoir.search.conf, kept so that old imports keep working."""

from comptoir.search.conf import SearchSettings, search_settings

__all__ = ["SearchSettings", "search_settings"]
