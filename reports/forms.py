"""Filters of the report pages. GET filters are validated like any other input: a bad value is
reported on the form in Vietnamese and the page still renders (with that filter left out)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry, Unit, User
from contests.models import Contest
from reports.stats import Filters
from training.models import Module

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]
_BAD_DATE = _("Enter the date as dd/mm/yyyy, for example 25/12/2025.")
_BAD_PAGE = _("The page number must be a whole number, 1 or more.")
_NOT_IN_LIST = _("“%(value)s” is not one of the choices. Pick one from the list.")
# A report over more than this is almost certainly a typing mistake (e.g. year 2205).
MAX_PERIOD_DAYS = 366 * 5


MAX_ID = 2**63 - 1


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose junk ids (letters, numbers past 64 bits, which the database
    driver cannot even bind) are an invalid choice, never a server error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text.isdigit() or int(text) > MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return super().to_python(text)


# Reports cover the platform's years. The calendar's ends (01/01/0001, 31/12/9999) would overflow
# when the period around them is computed (a day before, a day after, the previous period).
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)
_OUT_OF_RANGE = _("Enter a date between 01/01/2000 and 31/12/2099.")


def date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, input_formats=DATE_INPUTS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": _BAD_DATE},
        validators=[MinValueValidator(EARLIEST_DATE, _OUT_OF_RANGE), MaxValueValidator(LATEST_DATE, _OUT_OF_RANGE)],
    )


def page_field() -> forms.IntegerField:
    return forms.IntegerField(min_value=1, max_value=1_000_000, required=False, widget=forms.HiddenInput,
                              error_messages={"invalid": _BAD_PAGE, "min_value": _BAD_PAGE,
                                              "max_value": _BAD_PAGE})


class FilterForm(forms.Form):
    """Shared behaviour: valid filters apply, an invalid one is shown and ignored."""

    def valid_data(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def query_without(self, *names: str) -> str:
        if not self.is_bound:
            return ""
        params = self.data.copy()
        for name in names:
            params.pop(name, None)
        return params.urlencode()


def _check_period(form: forms.Form, cleaned: dict) -> None:
    start, end = cleaned.get("date_from"), cleaned.get("date_to")
    if start and end and start > end:
        form.add_error("date_to", _("The end date must be on or after the start date."))
    elif start and end and (end - start).days > MAX_PERIOD_DAYS:
        form.add_error("date_to", _("The period can be at most five years long."))


class AuditFilterForm(FilterForm):
    actor = IdChoiceField(
        label=_("Who"), queryset=User.objects.none(), required=False, empty_label=_("Everyone"),
        error_messages={"invalid_choice": _("This person does not appear in the audit log. Pick one from the list.")},
    )
    action = forms.ChoiceField(label=_("Action"), required=False, error_messages={"invalid_choice": _NOT_IN_LIST})
    object_type = forms.ChoiceField(label=_("Object type"), required=False,
                                    error_messages={"invalid_choice": _NOT_IN_LIST})
    date_from = date_field(_("From"))
    date_to = date_field(_("To"))
    page = page_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only values that occur in the log are offered, so every choice finds something.
        self.fields["actor"].queryset = User.objects.filter(
            pk__in=AuditEntry.objects.filter(actor__isnull=False).values("actor_id")
        ).order_by("full_name", "pk")
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("All")), *((a, a) for a in actions)]
        types = (AuditEntry.objects.exclude(object_type="").order_by("object_type")
                 .values_list("object_type", flat=True).distinct())
        self.fields["object_type"].choices = [("", _("All")), *((t, t) for t in types)]

    def clean(self) -> dict:
        cleaned = super().clean()
        _check_period(self, cleaned)
        return cleaned

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.valid_data()
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("object_type"):
            entries = entries.filter(object_type=data["object_type"])
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=day_start(data["date_from"]))
        if data.get("date_to"):
            entries = entries.filter(created_at__lt=day_start(data["date_to"] + timedelta(days=1)))
        return entries


def day_start(day: date):
    """Midnight at the start of a local day, as an aware datetime."""
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day))


def units_for(root: Unit) -> QuerySet[Unit]:
    return Unit.objects.subtree(root).order_by("path")


# --- The dashboard ---------------------------------------------------------------------------

DEFAULT_PERIOD_DAYS = 90
SORT_KEYS = {
    "name": lambda row: (row.unit.name.lower(),),
    "headcount": lambda row: (row.headcount,),
    "completion": lambda row: (row.completion_rate if row.completion_rate is not None else -1,),
    "participation": lambda row: (row.participation_rate if row.participation_rate is not None else -1,),
    "mean": lambda row: (row.mean_score if row.mean_score is not None else -1,),
    "change": lambda row: (row.participation_change if row.participation_change is not None else -1000,),
    "rank": lambda row: (row.rank or 0,),
}


class ReportFilterForm(FilterForm):
    """Period, unit, module, contest, audience: the filters of the dashboard, the API, the
    exports and the periodic report. Units are limited to the person's subtree."""

    date_from = date_field(_("From"))
    date_to = date_field(_("To"))
    unit = IdChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All my units"),
        error_messages={"invalid_choice": _("This unit does not exist or is outside the units you can see. "
                                            "Pick one from the list.")},
    )
    module = IdChoiceField(
        label=_("Training module"), queryset=None, required=False, empty_label=_("All modules"),
        error_messages={"invalid_choice": _("This module does not exist. Pick one from the list.")},
    )
    contest = IdChoiceField(
        label=_("Contest"), queryset=None, required=False, empty_label=_("All contests"),
        error_messages={"invalid_choice": _("This contest does not exist. Pick one from the list.")},
    )
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, error_messages={"invalid_choice": _NOT_IN_LIST},
        choices=[("", _("Staff and residents")), ("staff", _("Staff")), ("residents", _("Residents"))],
    )

    def __init__(self, *args, root: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.root = root
        self.fields["unit"].queryset = Unit.objects.subtree(root).order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: "· " * (unit.depth - root.depth) + unit.name
        self.fields["module"].queryset = Module.objects.order_by("order", "pk")
        self.fields["contest"].queryset = Contest.objects.order_by("-created_at", "pk")

    def clean(self) -> dict:
        cleaned = super().clean()
        _check_period(self, cleaned)
        return cleaned

    def period(self) -> tuple[date, date]:
        """The valid period asked for; the last 90 days by default (or around the one date given)."""
        data = self.valid_data()
        start, end = data.get("date_from"), data.get("date_to")
        if "date_to" in self.errors or "date_from" in self.errors:
            start, end = None, None
        if start and end:
            return start, end
        if start:
            return start, max(start, timezone.localdate())
        end = end or timezone.localdate()
        return end - timedelta(days=DEFAULT_PERIOD_DAYS - 1), end

    def filters(self) -> Filters:
        data = self.valid_data()
        start, end = self.period()
        return Filters(unit=data.get("unit") or self.root, date_from=start, date_to=end,
                       module=data.get("module"), contest=data.get("contest"), audience=data.get("audience") or "")


class DashboardForm(ReportFilterForm):
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, widget=forms.HiddenInput,
        choices=[("", "")] + [(f"{sign}{key}", key) for key in SORT_KEYS for sign in ("", "-")],
        error_messages={"invalid_choice": _("The table cannot be sorted by “%(value)s”. Use the column links.")},
    )

    def sort_rows(self, rows: list) -> list:
        sort = self.valid_data().get("sort") or "rank"
        key = SORT_KEYS[sort.lstrip("-")]
        return sorted(rows, key=key, reverse=sort.startswith("-"))

    def current_sort(self) -> str:
        return self.valid_data().get("sort") or "rank"
