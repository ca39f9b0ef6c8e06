"""Forms of the shared web pages (accounts, 2FA) and of the operator console.

Forms only parse input; the rules live in the services, whose errors are put back on the fields
with `add_application_error`."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError

# Messages the services write in English, translated for display next to the field.
SERVICE_FIELD_MESSAGES = {
    "invalid_email": _("Enter a valid email address."),
    "email_taken": _("An account already exists with this email address."),
    "totp_wrong_code": _("This code is not valid. Check the time on your phone and try again."),
    "totp_no_pending_device": _("This set-up has expired. Start again."),
    "seller_reason_required": _("Explain the decision; the seller will see it."),
    "password_reset_throttled": _("Too many password reset requests. Try again in an hour."),
    "two_factor_not_enabled": _("Turn on two-factor authentication first."),
}


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service error next to the fields it names (or at the top of the form)."""
    translated = SERVICE_FIELD_MESSAGES.get(error.code)
    if not error.fields:
        form.add_error(None, translated or error.message)
        return
    for field, message in error.fields.items():
        target = field if field in form.fields else None
        # Password strength messages come from Django's validators, already translated.
        form.add_error(target, translated if translated and error.code != "weak_password" else message)


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_email(self) -> str:
        # One spelling per account, so that throttling cannot be dodged by changing the case.
        return self.cleaned_data["email"].strip().lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
                "class": "input--code",
            }
        ),
    )


class LoginCodeForm(forms.Form):
    """The login code step: a 6-digit code from the authenticator app, or a recovery code (letters and digits)."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
                "class": "input--code",
            }
        ),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset request form, for its address field only: the email is sent by
    `accounts.tasks.password_reset_mail_task` (in the user's language, each link audited)."""

    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class NewPasswordForm(SetPasswordForm):
    """Django's set-password form (the configured validators run on the new password) with our labels."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True})
    )
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )


class SellerApproveForm(forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SellerRejectForm(forms.Form):
    # Not required here: the service refuses an empty reason and its message is shown next to the field.
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The seller will see this reason."),
    )
