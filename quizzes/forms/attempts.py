"""Forms of the attempt pages. Answers travel as the position of a choice as shown (1, 2, …),
never as a choice id: ids are bank keys whose order reveals how the author wrote the question,
and a position says nothing the page does not already show."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.models import AttemptQuestion, QuestionType


def answer_field_name(item: AttemptQuestion) -> str:
    return f"a{item.pk}"


class PageNumberForm(forms.Form):
    page = forms.IntegerField(min_value=1, required=False)

    def page_or_default(self, default: int = 1) -> int:
        if self.is_valid() and self.cleaned_data["page"]:
            return self.cleaned_data["page"]
        return default


class AttemptPageForm(forms.Form):
    """The answers to the questions of one page, and the button pressed. Every button of the
    attempt page submits this form, so the page's answers are saved before going anywhere (a
    phone without JavaScript saves nothing otherwise). A question left blank is saved as "no
    answer", so a checkbox that was unticked is saved too."""

    SAVE, NEXT, PREVIOUS, REVIEW, SUBMIT, TIMEOUT = "save", "next", "previous", "review", "submit", "timeout"
    action = forms.ChoiceField(
        choices=[(a, a) for a in (SAVE, NEXT, PREVIOUS, REVIEW, SUBMIT, TIMEOUT)], required=False,
    )
    # A page number's button: save this page, then show that one.
    goto = forms.IntegerField(min_value=1, max_value=10_000, required=False)
    # The submit's idempotency key, used when the countdown submits the page at zero.
    key = forms.CharField(max_length=64, required=False)

    def __init__(self, items: list[AttemptQuestion], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        invalid = {"invalid_choice": _("This answer does not belong to this question."),
                   "invalid_list": _("This answer does not belong to this question.")}
        for item in items:
            choices = [(str(n), str(n)) for n in range(1, len(item.choices) + 1)]
            # A list field for radios too, so that two values posted for one question are seen
            # and refused rather than silently reduced to the last one.
            field = forms.MultipleChoiceField(choices=choices, required=False, error_messages=invalid)
            if item.type != QuestionType.MULTIPLE:
                field.validators.append(_at_most_one)
            self.fields[answer_field_name(item)] = field

    def answers(self) -> dict[int, list[int]]:
        """Item id → the chosen choice ids, for every question of the form."""
        chosen: dict[int, list[int]] = {}
        for item in self.items:
            positions = [int(p) for p in self.cleaned_data[answer_field_name(item)]]
            chosen[item.pk] = [item.choices[p - 1]["id"] for p in sorted(set(positions))]
        return chosen


def _at_most_one(value: list[str]) -> None:
    if len(set(value)) > 1:
        raise forms.ValidationError(_("This question takes exactly one answer."), code="one_answer")


class PositionsField(forms.Field):
    """The positions of the choices ticked for one question (a list, radios included, so that two
    values posted for one question are seen and refused). Whether each names one of the item's
    choices, and whether the question takes several, the attempt service decides: it reads the
    item anyway, and the form does not."""

    widget = forms.SelectMultiple
    default_error_messages = {"invalid": _("This answer does not belong to this question.")}

    def to_python(self, value) -> list[int]:
        try:
            positions = [int(v) for v in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(p < 1 for p in positions):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return positions


class AutosaveForm(forms.Form):
    """One autosaved answer: the item (`item`) and the positions ticked for it (`a<item>`, the
    field name of the attempt page)."""

    item = forms.IntegerField(min_value=1, max_value=2**63 - 1, error_messages={
        "required": _("This answer does not belong to this question."),
        "invalid": _("This answer does not belong to this question."),
    })

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        item = str(self.data.get("item", ""))
        if item.isascii() and item.isdigit():
            self.fields[f"a{int(item)}"] = PositionsField(required=False)

    def positions(self) -> list[int]:
        return self.cleaned_data.get(f"a{self.cleaned_data['item']}", [])


class SubmitForm(forms.Form):
    # Generated when the page is rendered: a second post of the same form (double click,
    # a retry after a lost connection) is recognised as the same submit.
    key = forms.CharField(max_length=64, required=False)
