"""The organiser's contest forms. Each validates every input and puts a Vietnamese message on the
field it is about; the services in contests/authoring.py check the same rules again."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from contests.authoring import ROUNDS_MAX, pool_too_small_message, topic_pools
from contests.models import Contest, ContestAudience, Round
from contests.models.contest import ATTEMPTS_PER_ROUND_MAX, TIME_LIMIT_MINUTES_MAX

REQUIRED = _("This field is required.")
WHOLE_NUMBER = _("Enter a whole number.")
TOPIC_COUNT_MAX = 100
PRIZE_COUNT_MAX = 100
# The first parts of /contests/… that are pages, not contests (contests/urls.py).
RESERVED_SLUGS = {"manage", "flags", "attempts", "rounds"}


def _range(low: int, high: int) -> str:
    return gettext("Enter a number from %(min)s to %(max)s.") % {"min": low, "max": high}


# Translated when shown, in the language of the request (a form field is built once, at import).
_range_lazy = lazy(_range, str)


def _number(label, *, min_value: int, max_value: int, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=min_value, max_value=max_value, required=required, help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": REQUIRED, "invalid": WHOLE_NUMBER,
            "min_value": _range_lazy(min_value, max_value),
            "max_value": _range_lazy(min_value, max_value),
        },
    )


class ContestForm(forms.ModelForm):
    """The contest's settings and its questions per topic (one number field per topic, named
    topic_<id>, with the live count of drawable questions beside it)."""

    title = forms.CharField(label=_("Contest title"), max_length=200,
                            error_messages={"required": _("Give the contest a title.")})
    slug = forms.SlugField(
        label=_("Web address"), max_length=100,
        help_text=_("The end of the contest's link: lower-case letters without accents, digits and dashes, "
                    "e.g. cchc-2026."),
        error_messages={"required": _("Choose the end of the contest's web address."),
                        "invalid": _("Use only lower-case letters without accents, digits and dashes."),
                        "unique": _("Another contest already has this web address: choose another one.")},
    )
    rules = forms.CharField(
        label=_("Rules (thể lệ)"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: a blank line between paragraphs, **bold**, lists starting with “- ” or “1. ”, "
                    "“## ” for a heading."),
    )
    min_age = _number(_("Minimum age"), min_value=1, max_value=100, required=False,
                      help_text=_("Counted from the birth year, in the year the round opens. Empty: no minimum."))
    attempts_per_round = _number(_("Attempts per round"), min_value=1, max_value=ATTEMPTS_PER_ROUND_MAX)
    time_limit_minutes = _number(_("Time limit (minutes)"), min_value=1, max_value=TIME_LIMIT_MINUTES_MAX)

    class Meta:
        model = Contest
        fields = ["title", "slug", "description", "rules", "audience", "min_age", "prediction_kind", "ranking_rule",
                  "scoring_rule", "attempts_per_round", "time_limit_minutes", "staff_pool"]
        labels = {"description": _("Short description (shown in link previews)")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "audience": {"invalid_choice": _("Choose who may take part from the list.")},
            "prediction_kind": {"invalid_choice": _("Choose the prediction question from the list.")},
            "ranking_rule": {"invalid_choice": _("Choose the ranking rule from the list.")},
            "scoring_rule": {"invalid_choice": _("Choose which attempt counts from the list.")},
        }

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This web address is used by the site itself: choose another one."))
        return slug

    def __init__(self, *args, counts: dict[int, int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        counts = counts or {}
        self.pools = topic_pools(audience=self._audience(), staff_pool=self._staff_pool(), counts=counts)
        for pool in self.pools:
            name = f"topic_{pool.topic.pk}"
            self.fields[name] = _number(pool.topic.name, min_value=0, max_value=TOPIC_COUNT_MAX, required=False)
            # The live count beside the field is its description for screen readers.
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_pool"
            self.initial.setdefault(f"topic_{pool.topic.pk}", pool.count)

    def _audience(self) -> str:
        value = self.data.get("audience") if self.is_bound else None
        value = value or self.initial.get("audience") or self.instance.audience
        return value if value in ContestAudience.values else ContestAudience.BOTH

    def _staff_pool(self) -> bool:
        if self.is_bound:
            return self.data.get("staff_pool") in ("on", "true", "1", "True")
        return bool(self.instance.staff_pool)

    def topic_fields(self) -> list[tuple[forms.BoundField, object]]:
        return [(self[f"topic_{pool.topic.pk}"], pool) for pool in self.pools]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    @property
    def counts(self) -> dict[int, int]:
        data = getattr(self, "cleaned_data", {})
        return {p.topic.pk: data.get(f"topic_{p.topic.pk}") or 0 for p in self.pools}

    def clean(self) -> dict:
        cleaned = super().clean()
        counts = self.counts
        if not any(counts.values()):
            self.add_error(None, _("Choose how many questions each round draws from at least one topic."))
        pools = topic_pools(audience=cleaned.get("audience") or ContestAudience.BOTH,
                            staff_pool=bool(cleaned.get("staff_pool")), counts=counts)
        self.pools = pools
        for pool in pools:
            if pool.short and f"topic_{pool.topic.pk}" not in self.errors:
                self.add_error(f"topic_{pool.topic.pk}", pool_too_small_message(pool))
        return cleaned


class PrizesForm(forms.ModelForm):
    first_prizes = _number(_("First prizes"), min_value=0, max_value=PRIZE_COUNT_MAX)
    second_prizes = _number(_("Second prizes"), min_value=0, max_value=PRIZE_COUNT_MAX)
    third_prizes = _number(_("Third prizes"), min_value=0, max_value=PRIZE_COUNT_MAX)
    consolation_prizes = _number(_("Consolation prizes"), min_value=0, max_value=PRIZE_COUNT_MAX)
    unit_prizes = _number(_("Number of unit prizes"), min_value=0, max_value=PRIZE_COUNT_MAX)
    unit_min_participation_percent = _number(
        _("Minimum participation for a unit prize (%)"), min_value=0, max_value=100,
        help_text=_("Participants against the unit's headcount: a unit under this rate gets no prize."))

    class Meta:
        model = Contest
        fields = ["first_prizes", "second_prizes", "third_prizes", "consolation_prizes", "unit_prizes",
                  "unit_min_participation_percent", "exclude_organisers_from_prizes"]


class RoundsGenerateForm(forms.Form):
    start = forms.DateField(
        label=_("First day of the first round"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Each round lasts a week: it opens at 00:00 on its first day and closes at 23:59 on its "
                    "seventh day (Vietnam time)."),
        error_messages={"required": _("Choose the first day of the first round."),
                        "invalid": _("Enter a date as dd/mm/yyyy.")},
    )
    count = _number(_("Number of weekly rounds"), min_value=1, max_value=ROUNDS_MAX)


class RoundForm(forms.ModelForm):
    FORMAT = "%Y-%m-%dT%H:%M"
    INPUTS = [FORMAT, "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]

    opens_at = forms.DateTimeField(
        label=_("Opens at"), input_formats=INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=FORMAT),
        error_messages={"required": _("Choose when the round opens."),
                        "invalid": _("Enter a date and time as dd/mm/yyyy hh:mm.")},
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"), input_formats=INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=FORMAT),
        help_text=_("Moving the close earlier also ends the attempts in progress at the new time (after the "
                    "usual grace period)."),
        error_messages={"required": _("Choose when the round closes."),
                        "invalid": _("Enter a date and time as dd/mm/yyyy hh:mm.")},
    )

    class Meta:
        model = Round
        fields = ["title", "opens_at", "closes_at"]
        labels = {"title": _("Title (empty: “Round N”)")}

    # A close before the opening is refused by Round.clean, on the closes_at field.


class ManageUnitFilterForm(forms.Form):
    """Which units the participation table lists: the organiser's commune unless widened."""

    unit = forms.ModelChoiceField(
        label=_("Units under"), queryset=Unit.objects.none(), required=False,
        empty_label=_("My commune"),
        error_messages={"invalid_choice": _("That unit does not exist or is outside the units you manage.")},
    )

    def __init__(self, *args, root: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.subtree(root)
        self.fields["unit"].label_from_instance = lambda unit: "\u2003" * max(0, unit.depth - root.depth) + unit.name
