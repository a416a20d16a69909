"""Forms of the organiser's question bank pages. GET filters are validated like any other input."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from quizzes.models import Audience, Choice, Difficulty, Question, QuestionStatus, QuestionType, Topic
from quizzes.services.bank import ChoiceInput, choices_check

# The .xlsx template and export have option columns A–F, so a question with more could not
# round-trip through a spreadsheet.
MAX_CHOICES = 6


def _with_all(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


_NOT_IN_LIST = _("“%(value)s” is not one of the choices. Pick one from the list.")
_BAD_PAGE = _("The page number must be a whole number, 1 or more.")


def _filter_choice(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=_with_all(choices), required=False,
                             error_messages={"invalid_choice": _NOT_IN_LIST})


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("Words in the question or its source reference."),
                        error_messages={"max_length": _("Search for at most 200 characters.")})
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False,
                                   empty_label=_("All"), error_messages={
                                       "invalid_choice": _("This topic does not exist (it may have been deleted). "
                                                           "Pick one from the list."),
                                   })
    status = _filter_choice(_("Status"), QuestionStatus.choices)
    difficulty = _filter_choice(_("Difficulty"), Difficulty.choices)
    type = _filter_choice(_("Type"), QuestionType.choices)
    audience = _filter_choice(_("Audience"), Audience.choices)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False, widget=forms.HiddenInput,
                              error_messages={"invalid": _BAD_PAGE, "min_value": _BAD_PAGE, "max_value": _BAD_PAGE})

    def filter(self, questions):
        """Apply the filters that are valid. An invalid one is reported on the form and ignored,
        so a mistyped address still shows a page instead of an error."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if data.get("q"):
            for word in data["q"].split():
                questions = questions.filter(Q(text__icontains=word) | Q(source__icontains=word))
        if data.get("topic"):
            questions = questions.filter(topic=data["topic"])
        for name in ("status", "difficulty", "type", "audience"):
            if data.get(name):
                questions = questions.filter(**{name: data[name]})
        return questions

    def is_filtered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("q", "topic", "status", "difficulty", "type", "audience"))

    def query_without_page(self) -> str:
        """The filter part of the address, for pagination links."""
        params = self.data.copy()
        params.pop("page", None)
        return params.urlencode()


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["topic", "type", "text", "explanation", "difficulty", "audience", "status", "source"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "text": _("Plain text or limited Markdown: **bold**, *italic*, lists, links. HTML is shown as text."),
            "explanation": _("Shown to participants at review, after they submit."),
        }


class ChoiceForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = ["text", "is_correct"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class BaseChoiceFormSet(BaseInlineFormSet):
    """The choices of one question. The rules depend on the question's type, which the view sets
    from the question form before validating (`question_type`)."""

    question_type: str | None = None

    def kept_forms(self) -> list[forms.Form]:
        """Existing choices not marked for deletion, and the blank rows the organiser filled in."""
        kept = []
        for index, form in enumerate(self.forms):
            if self._should_delete_form(form):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if form.cleaned_data.get("text"):
                kept.append(form)
        return kept

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        # Django's formset accepts any choice id here and quietly treats an unknown one as a new
        # choice; a tampered or stale form must be refused instead.
        for form in self.forms[:self.initial_form_count()]:
            if form.instance.pk is None:
                raise forms.ValidationError(_("The choices changed since this page was opened, or a choice does not "
                                              "belong to this question. Reload the page and try again."))
        kept = self.kept_forms()
        if len(kept) > MAX_CHOICES:
            raise forms.ValidationError(_("A question has at most %(max)s choices.") % {"max": MAX_CHOICES})
        if self.question_type is None:
            return
        flags = [bool(f.cleaned_data.get("is_correct")) for f in kept]
        problems = choices_check(question_type=self.question_type, correct_flags=flags)
        if problems:
            raise forms.ValidationError(problems)

    def choice_inputs(self) -> list[ChoiceInput]:
        return [ChoiceInput(text=f.cleaned_data["text"].strip(), is_correct=bool(f.cleaned_data.get("is_correct")),
                            id=f.instance.pk) for f in self.kept_forms()]


ChoiceFormSet = inlineformset_factory(
    Question, Choice, form=ChoiceForm, formset=BaseChoiceFormSet,
    # Counts are checked in BaseChoiceFormSet.clean, whose messages say what is wrong with the
    # question rather than Django's generic "submit at least 2 forms".
    extra=2, min_num=2, max_num=MAX_CHOICES, can_delete=True,
)


def question_forms_valid(form: QuestionForm, formset: BaseChoiceFormSet) -> bool:
    """Validate the question, then its choices against the type it was given."""
    form_ok = form.is_valid()
    formset.question_type = form.cleaned_data.get("type")
    return formset.is_valid() and form_ok


class QuestionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=QuestionStatus.choices)


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"slug": _("Used in addresses and by the import command. Leave empty to make it from the name.")}
        error_messages = {
            "slug": {
                "unique": _("Another topic already uses this slug. Choose another one."),
                "invalid": _("Use only lowercase letters without accents, digits and hyphens, e.g. dich-vu-cong."),
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False


class QuestionImportForm(forms.Form):
    FORMAT_CHOICES = [
        ("auto", _("Guess from the file name")),
        ("xlsx", _("Excel (.xlsx)")),
        ("docx", _("Word (.docx)")),
        ("gift", _("GIFT (Moodle)")),
        ("aiken", _("Aiken (Moodle)")),
    ]

    file = forms.FileField(label=_("Question file"),
                           help_text=_("Excel from the template, Word, GIFT or Aiken (.txt)."))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto",
                               error_messages={"invalid_choice": _NOT_IN_LIST})
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False,
        empty_label=_("The topics named in the file"),
        help_text=_("Choose one to put every question of the file in that topic."),
        error_messages={"invalid_choice": _("This topic does not exist (it may have been deleted). "
                                            "Pick one from the list.")},
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): show what would be imported, save nothing"), required=False, initial=True,
    )

    def format_or_none(self) -> str | None:
        value = self.cleaned_data["format"]
        return None if value == "auto" else value


class QuestionExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", _("Excel (.xlsx)")), ("gift", _("GIFT (Moodle)"))],
                               error_messages={"invalid_choice": _NOT_IN_LIST,
                                               "required": _("Choose the file format: Excel or GIFT.")})
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("The whole bank"),
        error_messages={"invalid_choice": _("This topic does not exist (it may have been deleted). "
                                            "Pick one from the list.")},
    )
