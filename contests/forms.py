from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from contests.errors import InvalidPrediction
from contests.models import FlagStatus, Round, SuspicionKind
from contests.services import prediction_validate


class PredictionForm(forms.Form):
    prediction = forms.CharField(
        label=_("Your prediction"), max_length=20,
        error_messages={"required": _("Enter your prediction: a whole number from 0 to 10,000,000.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}),
    )
    # Generated with the page: a second post of the same form is the same submit.
    key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, question: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if question:
            self.fields["prediction"].help_text = _(
                "%(question)s It does not change your score: it only separates people with the same score."
            ) % {"question": question}

    def clean_prediction(self) -> int:
        try:
            return prediction_validate(self.cleaned_data["prediction"])
        except InvalidPrediction as exc:
            raise ValidationError(exc.message, code="invalid_prediction") from None


class UnitFilterForm(forms.Form):
    """The unit leaderboard's filter: which parent unit's children to compare."""

    parent = forms.ModelChoiceField(
        queryset=Unit.objects.order_by("path"), required=False, label=_("Units under"),
        empty_label=_("The whole commune"),
        error_messages={"invalid_choice": _("This unit does not exist: choose one from the list.")},
    )


class FlagFilterForm(forms.Form):
    """The review queue's filters (all optional; an empty status means every status)."""

    round = forms.ModelChoiceField(
        queryset=Round.objects.select_related("contest").order_by("-opens_at", "contest_id", "number"),
        required=False, label=_("Round"), empty_label=_("Every round"),
        error_messages={"invalid_choice": _("This round does not exist: choose one from the list.")},
    )
    kind = forms.ChoiceField(
        choices=[("", _("Every kind"))] + SuspicionKind.choices, required=False, label=_("Kind"),
        error_messages={"invalid_choice": _("This kind of flag does not exist: choose one from the list.")},
    )
    status = forms.ChoiceField(
        choices=[("", _("Every status"))] + FlagStatus.choices, required=False, label=_("Status"),
        error_messages={"invalid_choice": _("This status does not exist: choose one from the list.")},
    )


class FlagDecisionForm(forms.Form):
    CONFIRM, CLEAR = "confirm", "clear"
    decision = forms.ChoiceField(
        choices=[(CONFIRM, _("Confirm: no prize in this round")), (CLEAR, _("Clear: nothing wrong"))],
        label=_("Decision"), widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to confirm or clear the flag."),
                        "invalid_choice": _("Choose whether to confirm or clear the flag.")},
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the reason for the decision: it goes into the audit log.")},
    )


class RoundCloseForm(forms.Form):
    """The participation page's close button. The reason is asked for only when suspicion flags
    are undecided: with it the prizes are awarded without waiting for them (audit log)."""

    override_reason = forms.CharField(
        label=_("Reason to close without waiting for the undecided flags"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty to wait: decide the flags first. A reason is recorded in the audit log."),
        error_messages={"max_length": _("Keep the reason to %(limit_value)d characters (it has %(show_value)d).")},
    )
