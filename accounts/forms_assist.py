"""Forms of the pages where an officer acts for a resident in person (accounts/views_assist.py),
and of the public page that takes a reset code."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import RegistrationForm
from accounts.models import Unit, User
from accounts.phones import InvalidPhone, normalise_phone
from accounts.recovery import RESET_CODE_DIGITS


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or phone number"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


class ResetCodeIssueForm(forms.Form):
    identity_checked = forms.BooleanField(
        label=_("I have checked this person's identity"),
        help_text=_("Compare the full name, date of birth and photo on the ID card (CCCD) with the person in "
                    "front of you, and the name and birth year below with the card."),
        error_messages={"required": _("Check the person's identity and tick this box before issuing a code.")},
    )
    send_sms = forms.BooleanField(
        label=_("Send the code by text message to the account's phone"), required=False, initial=True,
        help_text=_("Untick to see the code on this page instead, to give it to the person yourself."),
    )

    def __init__(self, *args, sms_possible: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not sms_possible:
            del self.fields["send_sms"]


class ResetCodeRedeemForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "tel"}),
        error_messages={"required": _("Enter the phone number of your account.")},
    )
    code = forms.CharField(
        label=_("Code"), max_length=20,
        help_text=_("The 8 digits your village officer or the commune gave you."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the code you were given.")},
    )
    new_password1 = forms.CharField(
        label=_("New password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
        error_messages={"required": _("Choose a password.")},
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password a second time.")},
    )

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except InvalidPhone:
            raise ValidationError(
                _("This is not a Vietnamese mobile number. Enter the 10 digits, for example 0912 345 678."),
                code="invalid_phone",
            ) from None

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == RESET_CODE_DIGITS):
            raise ValidationError(_("The code is 8 digits, for example 0123 4567."), code="invalid_code")
        return code

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("new_password1"), cleaned.get("new_password2")
        if password1 and password2 and password1 != password2:
            self.add_error("new_password2",
                           ValidationError(_("The two passwords are not the same."), code="mismatch"))
        elif password1:
            try:
                password_validation.validate_password(password1, User(phone=cleaned.get("phone")))
            except ValidationError as error:
                self.add_error("new_password1", error)
        return cleaned


class AssistedRegistrationForm(RegistrationForm):
    """An officer registers a resident in person: the resident's form without password or
    email, the phone optional (many have none), the villages those the officer acts in, and the
    officer's word that the statement was read to the person and the ticks are theirs."""

    in_person = forms.BooleanField(
        label=_("I read the statement above to the person, and the boxes ticked are what they agreed to"),
        error_messages={"required": _("Read the statement to the person and tick this box: their consent is "
                                      "recorded as given to you in person.")},
    )

    # Shown only once a likely duplicate was found (see clean()).
    same_person_checked = forms.BooleanField(
        label=_("This is another person: register them anyway"), required=False,
    )

    def __init__(self, *args, root: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("password1", "password2", "email"):
            del self.fields[name]
        phone = self.fields["phone"]
        phone.required = False
        phone.label = _("Mobile phone number (optional)")
        phone.help_text = _("Leave empty if the person has no phone: they take part on your device.")
        self.fields["village"].queryset = (Unit.objects.subtree(root).villages().select_related("parent")
                                           .order_by("parent__name", "sort_order", "name"))
        self.fields["village"].empty_label = _("— Choose the person's village —")

    def clean_phone(self) -> str | None:
        if not self.cleaned_data.get("phone", "").strip():
            return None
        return super().clean_phone()

    def clean(self) -> dict:
        cleaned = super().clean()
        # Residents without a phone have nothing unique: the same name and birth year in the same
        # village is most likely someone already registered (by another officer, last week).
        name, year, village = cleaned.get("full_name"), cleaned.get("birth_year"), cleaned.get("village")
        # Compared in Python: SQLite folds the case of ASCII letters only (Đ, Ị…), and a village has
        # few people of one birth year.
        if (name and year and village and not cleaned.get("same_person_checked")
                and name.casefold() in {other.casefold() for other in User.objects.active()
                                        .filter(birth_year=year, unit=village).values_list("full_name", flat=True)}):
            self.duplicate_suspected = True
            self.add_error("full_name", ValidationError(
                _("Someone with this name and birth year is already registered in this village: search for them in "
                  "the list. If this is another person, tick the box below and register again."),
                code="maybe_duplicate"))
        return cleaned

    duplicate_suspected = False
