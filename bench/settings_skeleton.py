"""Comptoir's settings with the raw-SQL checkout skeleton as the only URL (benchmark baseline).

Same middleware, database options and connection handling as the real application, so the
ratio Comptoir/skeleton measures what Comptoir's own checkout costs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.skeleton_urls"
