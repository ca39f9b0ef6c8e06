"""Errors of the accounts domain (codes the web and the API map to messages)."""

from __future__ import annotations

from comptoir.core.exceptions import ApplicationError


class TooManyRequests(ApplicationError):
    """The same kind of request came too often; try again later (429)."""

    status = 429
    default_code = "too_many_requests"
