"""Background work of the currencies app."""

from __future__ import annotations

from django.tasks import task


@task()
def rates_refresh_task() -> int:
    """Download and import the ECB reference rates (off unless COMPTOIR["FX"]["REFRESH_URL"] is set). Idempotent; a
    failure is logged and leaves the stored rates as they are. Answers the number of rows written."""
    from comptoir.currencies.services import rates_refresh

    report = rates_refresh()
    return 0 if report is None else report.rows_created + report.rows_updated
