from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from training.models import Assignment, Module


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        # Indented by depth so a long select still reads as a tree.
        return "\u2003" * max(0, obj.depth - 1) + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * max(0, obj.depth - 1) + obj.name


class AssignmentForm(forms.Form):
    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(),
        error_messages={"required": _("Choose a module."),
                        "invalid_choice": _("This module does not exist or cannot be assigned.")},
    )
    units = UnitMultipleChoiceField(
        label=_("Units"), queryset=Unit.objects.none(),
        help_text=_("Each unit's members and the members of every unit below it must complete the module."),
        error_messages={"required": _("Choose at least one unit."),
                        "invalid_choice": _("One of the chosen units does not exist or is outside your units."),
                        "invalid_pk_value": _("One of the chosen units does not exist or is outside your units.")},
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": _("Enter the due date."),
                        "invalid": _("Enter the due date as dd/mm/yyyy.")},
    )

    def __init__(self, *args, root: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.all()
        self.fields["units"].queryset = Unit.objects.subtree(root)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due


class ProgressFilterForm(forms.Form):
    """The unit manager's report: which assigned module, which part of their subtree, and
    whether to list only the members who have not finished."""

    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(), required=False,
        error_messages={"invalid_choice": _("This module is not assigned to your units.")},
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All my units"),
        error_messages={"invalid_choice": _("This unit is not one of yours.")},
    )
    pending = forms.BooleanField(label=_("Only members who have not finished"), required=False)

    def __init__(self, *args, root: Unit, modules, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
        self.fields["unit"].queryset = Unit.objects.subtree(root)


class RatesFilterForm(forms.Form):
    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(), required=False,
        error_messages={"invalid_choice": _("This module has no assignments.")},
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All my units"),
        error_messages={"invalid_choice": _("This unit is not one of yours.")},
    )

    def __init__(self, *args, root: Unit, modules, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules
        self.fields["unit"].queryset = Unit.objects.subtree(root)


class ScopeForm(forms.Form):
    """The assignments page's filter: which part of the tree (the organiser's commune by
    default), and the module to preselect (the module page links here with it)."""

    unit = UnitChoiceField(
        label=_("Units of"), queryset=Unit.objects.none(), required=False, empty_label=_("All my units"),
        error_messages={"invalid_choice": _("This unit is not one of yours.")},
    )
    module = forms.ModelChoiceField(queryset=Module.objects.all(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, root: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.subtree(root)


_CODE = re.compile(r"^[A-Z0-9]{6,16}$")


def normalise_code(raw: str) -> str:
    """People read codes aloud and type them with spaces, dashes or in lower case."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"), max_length=40,
        error_messages={"required": _("Enter the code printed on the certificate.")},
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not _CODE.match(code):
            raise forms.ValidationError(_("A certificate code has 10 letters and digits, e.g. ABCD234XYZ."))
        return code


class AssignmentDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, remove this assignment"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


def assignment_label(assignment: Assignment) -> str:
    return f"{assignment.module.title} → {assignment.unit.name}"
