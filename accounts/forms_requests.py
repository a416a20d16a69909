"""Forms of data-subject requests: the person's request, the organisers' filter and reply."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import DataRequestKind

DETAILS_MAX = 2000


class DataRequestForm(forms.Form):
    """What the person asks the commune to do, in their own words."""

    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=DataRequestKind.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you ask for."),
                        "invalid_choice": _("Choose what you ask for.")},
    )
    details = forms.CharField(
        label=_("Details"), max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: my new phone number is 0912 345 678; I moved to another village."),
        error_messages={"required": _("Say in a few words what you ask for."),
                        "max_length": _("Keep it under %(limit_value)d characters.")},
    )


class DataRequestFilterForm(forms.Form):
    OPEN, OVERDUE, HANDLED, ALL = "open", "overdue", "handled", "all"

    status = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=[(OPEN, _("Not yet handled")), (OVERDUE, _("Overdue")), (HANDLED, _("Handled")), (ALL, _("All"))],
        error_messages={"invalid_choice": _("This filter is not one of the choices.")},
    )
    kind = forms.ChoiceField(
        label=_("Request"), required=False, choices=[("", _("— Every kind —")), *DataRequestKind.choices],
        error_messages={"invalid_choice": _("This filter is not one of the choices.")},
    )


class DataRequestHandleForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=DETAILS_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: phone corrected after checking the person's ID card at the office."),
        error_messages={"required": _("Write what was done: the note is kept with the request."),
                        "max_length": _("Keep it under %(limit_value)d characters.")},
    )
