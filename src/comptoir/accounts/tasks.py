"""Background work of accounts: the emails a request must not build itself (their cost would tell whether an
account exists for the address)."""

from __future__ import annotations

from django.tasks import task

from comptoir.accounts.password_reset import password_reset_mail_send, registration_mail_send


@task()
def password_reset_mail_task(email: str, domain: str, use_https: bool) -> int:
    """Send the reset link to the accounts of `email`, if any. Queued for every accepted request."""
    return password_reset_mail_send(email=email, domain=domain, use_https=use_https)


@task()
def registration_mail_task(email: str, is_new_account: bool, domain: str, use_https: bool) -> bool:
    """Welcome a new account, or tell an address's owner that someone tried to register with it."""
    return registration_mail_send(email=email, is_new_account=is_new_account, domain=domain, use_https=use_https)
