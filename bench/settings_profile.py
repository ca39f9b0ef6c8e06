"""Comptoir's settings plus the benchmark's request profiler (run with one worker)."""

from config.settings import *  # noqa: F403

MIDDLEWARE = ["bench.profiling.RequestProfileMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "bench.profile_urls"
