import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_a_serving_process_freezes_what_start_up_allocated_views_included():
    # The WSGI module gunicorn imports, in a fresh interpreter: afterwards the start-up objects (the view modules'
    # functions among them) are out of the collector's generations.
    probe = (
        "import gc, config.wsgi\n"
        "from comptoir.web.storefront import views\n"
        "frozen = gc.get_freeze_count()\n"
        "gc.unfreeze()\n"
        "young = len(gc.get_objects())\n"
        "print(frozen, young)\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    output = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    frozen, tracked_after_unfreeze = int(output[0]), int(output[1])

    assert frozen > 50_000
    assert frozen >= 0.9 * tracked_after_unfreeze  # nearly everything alive after start-up had been frozen
