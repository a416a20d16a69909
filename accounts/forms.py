from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form, with the credential labelled for phone-or-email."""

    username = forms.CharField(
        label=_("Phone number or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "inputmode": "text"}),
    )

    error_messages = {
        "invalid_login": _(
            "The phone number (or email) or the password is not right. Check them and try again."
        ),
        "inactive": _("This account is not active."),
    }
