"""Forms of the account pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password again, whoever sits at the keyboard."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password again to confirm that you delete your account."),
        error_messages={"required": _("Enter your password to delete your account.")},
    )
