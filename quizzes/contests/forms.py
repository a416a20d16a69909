from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from quizzes.contests.errors import InvalidPrediction
from quizzes.contests.services import prediction_validate


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
