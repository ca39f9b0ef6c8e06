"""Logging configuration (config/settings.py LOGGING): each log line is written once (issue 10, item 21)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

LOG_A_TASK_LINE = """
import django
django.setup()
import logging
logging.getLogger("django.tasks").info("task-line-marker")
logging.getLogger("django.request").error("request-error-marker")
logging.getLogger("comptoir.anything").warning("comptoir-warning-marker")
"""


@pytest.mark.parametrize("debug", ["1", "0"])
def test_a_task_log_line_is_written_once(debug):
    # Given the settings as `comptoir demo` and `comptoir worker` load them (DEBUG on in development, off in
    # production), when the task framework, a request and our code log, then each line appears exactly once.
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "COMPTOIR_DEBUG": debug,
        "PYTHONPATH": os.pathsep.join([str(settings.BASE_DIR), str(settings.BASE_DIR / "src")]),
    }
    completed = subprocess.run(
        [sys.executable, "-c", LOG_A_TASK_LINE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    output = completed.stdout + completed.stderr
    assert output.count("task-line-marker") == 1, output
    assert output.count("request-error-marker") == 1, output
    assert output.count("comptoir-warning-marker") == 1, output
