"""One exporter per download: each builds a `Table` (Vietnamese headers, typed values); the shared
writer (accounts.exports) turns it into .xlsx or .csv. Exporters whose rows name people say so
with `PERSONAL`, and the views record those downloads in the audit log."""

from __future__ import annotations

from collections import defaultdict
from string import ascii_uppercase

from django.utils.translation import gettext as _

from accounts.exports import Table
from accounts.members import Viewer, phone_as_seen_by
from accounts.models import Unit
from accounts.privacy import mask_phone
from contests.models import Prize, PrizeKind, Round, Standing
from quizzes.models import Attempt, AttemptQuestion
from reports.people import non_participants, unfinished_training
from reports.stats import Dashboard, Filters, coverages
from training.reports import member_progress


def _phone(user) -> str:
    return mask_phone(user.phone) if user.phone else ""


def _period(filters: Filters) -> str:
    return f"{filters.date_from:%d/%m/%Y}–{filters.date_to:%d/%m/%Y}"


def pending_people_table(filters: Filters, unit: Unit, *, which: str = "all") -> Table:
    """People of the subtree who have not taken part in the period (`which` = "contest"), who have
    not finished an assigned module ("training"), or both ("all")."""
    headers = [_("Full name"), _("Unit"), _("Position"), _("Phone (masked)"), _("What is missing"), _("Due date")]
    rows: list[list] = []
    if which in ("all", "contest"):
        missing = _("Has not taken part in a contest round (%(period)s)") % {"period": _period(filters)}
        rows += [[user.full_name, user.unit.name, user.position, _phone(user), missing, None]
                 for user in non_participants(filters, unit)]
    if which in ("all", "training"):
        for item in unfinished_training(filters, unit):
            user = item.progress.member
            missing = _("Has not finished the module “%(module)s” (%(status)s)") % {
                "module": item.module_title, "status": item.progress.status}
            rows.append([user.full_name, user.unit.name, user.position, _phone(user), missing,
                         item.progress.due_date])
    return Table(title=_("Not yet done"), headers=headers, rows=rows)


def unit_statistics_table(data: Dashboard) -> Table:
    headers = [_("Rank"), _("Unit"), _("Headcount"), _("Members on the platform"), _("Assigned (person × module)"),
               _("Completed"), _("Training completion (%)"), _("Contest participants"),
               _("Participation (%)"), _("Mean score (%)"), _("Change in participation (points)"),
               _("Change in mean score (points)")]
    rows = []
    for row in [*data.table.rows, data.table.total]:
        is_total = row is data.table.total
        name = row.unit.name
        if is_total:
            name = _("Total: %(unit)s") % {"unit": name}
        elif row.is_own_members:
            name = _("%(unit)s (its own members)") % {"unit": name}
        rows.append([None if is_total else row.rank, name, row.headcount, row.members, row.assigned, row.completed,
                     row.completion_rate, row.participants, row.participation_rate, row.mean_score,
                     row.participation_change, row.mean_score_change])
    return Table(title=_("Unit statistics"), headers=headers, rows=rows)


def training_completion_table(filters: Filters, unit: Unit) -> Table:
    """Every covered member's progress in every assigned module (or the chosen one)."""
    headers = [_("Module"), _("Full name"), _("Unit"), _("Position"), _("Lessons read"), _("Lessons"),
               _("Quiz passed"), _("Status"), _("Completed on"), _("Due date")]
    rows = []
    for coverage in coverages(filters, unit):
        for progress in member_progress(module=coverage.module, unit=unit):
            user = progress.member
            rows.append([coverage.module.title, user.full_name, user.unit.name, user.position,
                         progress.lessons_done, progress.lessons_total, progress.quiz_passed, progress.status,
                         progress.completed_at, progress.due_date])
    return Table(title=_("Training completion"), headers=headers, rows=rows)


def _letters(item: AttemptQuestion) -> str:
    order = {choice["id"]: ascii_uppercase[n] for n, choice in enumerate(item.choices[:26])}
    chosen = "".join(sorted(order.get(choice_id, "?") for choice_id in item.selected or []))
    if not chosen:
        return ""
    return f"{chosen} {'✓' if item.is_correct else '✗'}"


def round_results_table(round_: Round, unit: Unit) -> Table:
    """A round's entries in the subtree, in ranking order (final, else provisional), with each
    person's answer to each question as shown to them (letters in their order; ✓ right, ✗ wrong)."""
    standings = list(
        Standing.objects.filter(round=round_, unit__path__startswith=unit.path)
        .select_related("user", "unit").order_by("final_rank", "-score", "duration_ms", "submitted_at", "pk")
    )
    items: dict[int, list[AttemptQuestion]] = defaultdict(list)
    for item in AttemptQuestion.objects.filter(attempt_id__in=[s.attempt_id for s in standings]).order_by(
            "attempt_id", "position").only("attempt_id", "position", "choices", "selected", "is_correct"):
        items[item.attempt_id].append(item)
    questions = max((s.max_score for s in standings), default=0)
    # Assisted mode: the officer who took the attempt with the person, or empty.
    assisted = dict(Attempt.objects.filter(pk__in=[s.attempt_id for s in standings], assisted_by__isnull=False)
                    .values_list("pk", "assisted_by__full_name"))
    headers = [_("Rank"), _("Full name"), _("Unit"), _("Phone (masked)"), _("Staff member"), _("Score"),
               _("Questions"), _("Time taken (s)"), _("Submitted at"), _("Prediction"), _("Prediction error"),
               _("Assisted by"), *[_("Question %(number)s") % {"number": n} for n in range(1, questions + 1)]]
    rows = []
    for standing in standings:
        answers = [_letters(item) for item in items[standing.attempt_id]]
        rows.append([standing.final_rank, standing.user.full_name, standing.unit.name if standing.unit else "",
                     _phone(standing.user), standing.is_staff_member, standing.score, standing.max_score,
                     round(standing.duration_ms / 1000, 1), standing.submitted_at, standing.prediction,
                     standing.prediction_error, assisted.get(standing.attempt_id, ""),
                     *answers, *[""] * (questions - len(answers))])
    return Table(title=_("Round results"), headers=headers, rows=rows)


def winners_table(round_: Round, unit: Unit, *, viewer: Viewer) -> Table:
    """The round's prizes (as awarded at close): individuals, then units. The winners' full
    names, units and phones, to reach them for the prize: the phone in full for organisers,
    masked for a unit manager (accounts.members.phone_as_seen_by)."""
    prizes = (Prize.objects.filter(round=round_).select_related("standing__user", "standing__unit", "unit")
              .order_by("kind", "category", "place"))
    headers = [_("Prize"), _("Category"), _("Place"), _("Full name"), _("Unit"), _("Phone number"), _("Score"),
               _("Questions"), _("Time taken (s)"), _("Participants"), _("Headcount"), _("Mean score")]
    rows = []
    for prize in prizes:
        if prize.kind == PrizeKind.INDIVIDUAL and prize.standing is not None:
            standing = prize.standing
            if standing.unit is None or not standing.unit.path.startswith(unit.path):
                continue
            rows.append([prize.get_kind_display(), prize.get_category_display(), prize.place,
                         standing.user.full_name, standing.unit.name, phone_as_seen_by(standing.user, viewer),
                         standing.score, standing.max_score, round(standing.duration_ms / 1000, 1), None, None, None])
        elif prize.unit is not None and prize.unit.path.startswith(unit.path):
            rows.append([prize.get_kind_display(), prize.get_category_display(), prize.place, "", prize.unit.name,
                         "", None, None, None, prize.participants, prize.headcount, prize.mean_score])
    return Table(title=_("Winners"), headers=headers, rows=rows)
