"""`comptoir demo-otp`: the 6-digit code the demo operator types at the login code step."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from comptoir.demo.authenticator import demo_operator_code
from comptoir.demo.marketplace_seed import OPERATOR_EMAIL
from comptoir.demo.seeding import demo_is_seeded


class Command(BaseCommand):
    help = (
        f"Print the code the demo operator ({OPERATOR_EMAIL}) types at the login code step, from the demo's "
        "public authenticator secret. Demo databases only."
    )

    def handle(self, *args, **options):
        if not demo_is_seeded():
            raise CommandError("This database holds no demo (seed one with `comptoir demo`); no code to give.")
        code = demo_operator_code()
        if code is None:
            raise CommandError(
                f"{OPERATOR_EMAIL} has no authenticator any more; run `comptoir demo --no-serve` to enrol the demo one."
            )
        self.stdout.write(code)
