from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.staff_import import upload_size_error


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff list (.xlsx)"),
        help_text=_("The filled-in template. Every row is checked first; if any row is wrong, nothing is created."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        ),
    )
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Lazy: the rules' text must follow the reader's language, not the one active at import.
        help_text=lazy(password_validators_help_text_html, str)(),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file and show who would be created"),
        required=False,
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        # Refused on its size alone, before any parser opens it.
        error = upload_size_error(file.size)
        if error:
            raise ValidationError(error, code="too_big")
        return file

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password
