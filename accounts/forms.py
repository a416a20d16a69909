from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ConsentPurpose, Unit, User
from accounts.phones import InvalidPhone, login_key, normalise_email, normalise_phone


class NormalisedEmailField(forms.EmailField):
    """An email field that reads the address as accounts.phones.normalise_email writes it, before
    it is validated: "An.Pham@Example.vn" and a full-width "ａｎ＠ｅｘａｍｐｌｅ．ｖｎ" are one address."""

    def to_python(self, value):
        return normalise_email(super().to_python(value))


class LoginForm(AuthenticationForm):
    """Django's login form, with the credential labelled for phone-or-email and the choice of
    staying signed in on this phone (how long is decided in accounts.sessions, by role)."""

    username = forms.CharField(
        label=_("Phone number or email"),
        max_length=254,
        help_text=_("Type your phone number as you like (0905 000 003, +84 905 000 003) or your email."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "inputmode": "text"}),
    )
    remember = forms.BooleanField(
        label=_("Remember me on this phone"), required=False, initial=True,
        help_text=_("You stay signed in for 30 days (staff: 8 hours). Untick it on a phone or computer "
                    "that others use: you are then signed out when the browser closes."),
    )

    error_messages = {
        "invalid_login": _(
            "The phone number (or email) or the password is not right. Check them and try again."
        ),
        "inactive": _("This account is not active."),
        "limited": _(
            "Too many wrong passwords for this account or from your network in a short time. "
            "Please wait a few minutes and try again."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Django copies the length of USERNAME_FIELD (the phone: 10) onto the box, which refused
        # "0905 000 003", "+84 905 000 003" and every email. An email can be 254 characters long.
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254


    def get_invalid_login_error(self) -> ValidationError:
        # LoginLimitBackend refused before checking the password: say so, not "wrong password".
        if getattr(self.request, "login_limited", False):
            return ValidationError(self.error_messages["limited"], code="limited")
        return super().get_invalid_login_error()


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset by email, found by whatever the person logs in with: the link goes to the
    account's email, so typing the phone of an account that has one works too."""

    email = forms.CharField(
        label=_("Phone number or email"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        error_messages={"required": _("Enter the phone number or the email of your account.")},
    )

    def clean_email(self) -> str:
        key = login_key(self.cleaned_data["email"])
        if key is None:
            raise ValidationError(_("Enter the phone number or the email of your account."), code="invalid")
        return key[1]

    def get_users(self, email: str):
        key = login_key(email)
        if key is None:
            return
        column, value = key
        lookup = {"email__iexact": value} if column == "email" else {"phone": value}
        for user in User.objects.filter(is_active=True, email__isnull=False, **lookup):
            if user.has_usable_password():
                yield user


OLDEST_BIRTH_YEAR = 1920
# Children under six cannot take part on their own account.
YOUNGEST_AGE = 6


def birth_year_range() -> tuple[int, int]:
    return OLDEST_BIRTH_YEAR, timezone.localdate().year - YOUNGEST_AGE


def check_birth_year(year: int | None) -> int | None:
    if year is None:
        return None
    oldest, youngest = birth_year_range()
    if not oldest <= year <= youngest:
        raise ValidationError(
            _("The birth year must be between %(oldest)s and %(youngest)s."),
            code="out_of_range", params={"oldest": oldest, "youngest": youngest},
        )
    return year


def check_email_free(raw: str | None, *, owner: User | None = None) -> str | None:
    """Lower-cased, or None when empty (so the unique column holds NULLs, not empty strings)."""
    email = normalise_email(raw)
    if not email:
        return None
    taken = User.objects.filter(email__iexact=email)
    if owner is not None:
        taken = taken.exclude(pk=owner.pk)
    if taken.exists():
        raise ValidationError(
            _("This email is already used by another account. Leave it empty or use another address."),
            code="duplicate_email",
        )
    return email


BIRTH_YEAR_ERRORS = {
    "required": _("Enter your birth year."),
    "invalid": _("Enter the birth year as four digits, for example 1985."),
}


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.label_with_parent()


class RegistrationForm(forms.Form):
    """A resident's registration. Consent boxes start unticked: consent is an act, not a default."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your full name.")},
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages=BIRTH_YEAR_ERRORS,
    )
    phone = forms.CharField(
        label=_("Mobile phone number"), max_length=20,
        help_text=_("You log in with this number."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Enter your mobile phone number.")},
    )
    village = VillageChoiceField(
        label=_("Village"),
        queryset=Unit.objects.villages().select_related("parent").order_by("parent__name", "sort_order", "name"),
        empty_label=_("— Choose your village —"),
        error_messages={
            "required": _("Choose your village."),
            "invalid_choice": _("The village you chose is not in the list. Choose your village again."),
        },
    )
    email = NormalisedEmailField(
        label=_("Email (optional)"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter a valid email address, for example ten@example.com.")},
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password a second time.")},
    )
    consent_contests = forms.BooleanField(
        label=ConsentPurpose.CONTESTS.label,
        help_text=_("Required: without it we cannot record your answers and results."),
        error_messages={"required": _(
            "To register you must agree that your data is used to take part in contests and be ranked."
        )},
    )
    consent_leaderboard = forms.BooleanField(
        label=ConsentPurpose.LEADERBOARD.label, required=False,
        help_text=_("Optional: your name is shown shortened (for example Nguyễn V. A) with your village."),
    )
    consent_notifications = forms.BooleanField(
        label=ConsentPurpose.NOTIFICATIONS.label, required=False,
        help_text=_("Optional: news of new contests and results, by text message or email."),
    )

    consent_fields = ("consent_contests", "consent_leaderboard", "consent_notifications")

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise ValidationError(_("Enter your full name."), code="short")
        return name

    def clean_birth_year(self) -> int:
        return check_birth_year(self.cleaned_data["birth_year"])

    def clean_phone(self) -> str:
        try:
            phone = normalise_phone(self.cleaned_data["phone"])
        except InvalidPhone:
            raise ValidationError(
                _("This is not a Vietnamese mobile number. Enter the 10 digits, for example 0912 345 678."),
                code="invalid_phone",
            ) from None
        if User.objects.filter(phone=phone).exists():
            raise ValidationError(
                _("This phone number is already registered. Log in, or reset your password if you forgot it."),
                code="duplicate_phone",
            )
        return phone

    def clean_email(self) -> str | None:
        return check_email_free(self.cleaned_data.get("email"))

    def clean(self) -> dict:
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", ValidationError(_("The two passwords are not the same."), code="mismatch"))
        elif password1:
            candidate = User(
                full_name=cleaned.get("full_name", ""), phone=cleaned.get("phone"), email=cleaned.get("email"),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def purposes(self) -> set[str]:
        chosen = set()
        for purpose in ConsentPurpose:
            if self.cleaned_data.get(f"consent_{purpose.value}"):
                chosen.add(purpose.value)
        return chosen


class ConsentForm(forms.Form):
    """The optional purposes only: the contest purpose is withdrawn by deleting the account."""

    leaderboard = forms.BooleanField(label=ConsentPurpose.LEADERBOARD.label, required=False)
    notifications = forms.BooleanField(label=ConsentPurpose.NOTIFICATIONS.label, required=False)

    @classmethod
    def for_user(cls, user: User, data=None) -> ConsentForm:
        return cls(data, initial={"leaderboard": user.show_on_leaderboard,
                                  "notifications": user.receive_notifications})

    def purposes(self) -> set[str]:
        return {name for name in ("leaderboard", "notifications") if self.cleaned_data.get(name)}


class ProfileForm(forms.ModelForm):
    """What a person corrects themselves. The phone is the login and the unit decides which
    results count where, so those two are corrected by the commune."""

    class Meta:
        model = User
        fields = ["full_name", "birth_year", "email"]
        field_classes = {"email": NormalisedEmailField}
        error_messages = {
            "full_name": {"required": _("Enter your full name.")},
            "birth_year": BIRTH_YEAR_ERRORS,
            "email": {"invalid": _("Enter a valid email address, for example ten@example.com.")},
        }

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise ValidationError(_("Enter your full name."), code="short")
        return name

    def clean_birth_year(self) -> int | None:
        return check_birth_year(self.cleaned_data.get("birth_year"))

    def clean_email(self) -> str | None:
        return check_email_free(self.cleaned_data.get("email"), owner=self.instance)


class DeleteAccountForm(forms.Form):
    """Deleting is irreversible, so the person proves it is them and that they mean it."""

    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm.")},
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right. Your account has not been deleted."), code="wrong")
        return password


class UnitFilterForm(forms.Form):
    """Which unit's members to list: only units inside the viewer's own subtree are valid."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("— All my units —"),
        error_messages={"invalid_choice": _("That unit does not exist or is outside the units you manage.")},
    )
    page = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput,
        error_messages={"invalid": _("The page number is not valid."),
                        "min_value": _("The page number is not valid.")},
    )

    def __init__(self, *args, root: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.subtree(root)
        self.fields["unit"].label_from_instance = lambda unit: "\u2003" * (unit.depth - root.depth) + unit.name
