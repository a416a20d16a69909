"""Item statistics of a quiz, for organisers: which questions work and which are probably wrong.

Read from finished attempts only (submitted or closed at the deadline), in three queries
whatever the number of attempts: the attempts' ranking, one streamed pass over their
AttemptQuestion rows, and the questions with their choices (plus one for the choices' prefetch).

- Facility index: the share of attempts that answered the question correctly (an unanswered
  question counts as wrong).
- Discrimination index: the upper–lower 27 % method (Kelley). Attempts are ranked by total
  score (percent, then time taken, then id, so the ranking is stable); the top 27 % form the
  upper group and the bottom 27 % the lower group (at least one attempt each, from two
  attempts up). D = facility in the upper group − facility in the lower group, counted over the
  attempts of each group that were shown the question (drawn quizzes show each question to
  some attempts only). D ranges from −1 to 1; below 0 the people who did best overall got this
  question wrong more often than those who did worst, which usually means a wrong answer key
  or an ambiguous question.
- Option frequency: how many attempts chose each option (AttemptQuestion.selected), overall and
  in each group.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from quizzes.models import AttemptQuestion, AttemptStatus, Question, Quiz

GROUP_SHARE = 0.27

NEGATIVE_DISCRIMINATION = "negative_discrimination"
TOP_GROUP_PREFERS_WRONG = "top_group_prefers_wrong"
FLAG_LABELS = {
    NEGATIVE_DISCRIMINATION: _("Negative discrimination: the best attempts got it wrong more often than the weakest."),
    TOP_GROUP_PREFERS_WRONG: _("The best attempts chose a wrong option more often than the right one."),
}


@dataclass
class OptionStat:
    choice_id: int
    text: str
    correct: bool
    chosen: int = 0
    chosen_upper: int = 0
    chosen_lower: int = 0
    share: float = 0.0


@dataclass
class ItemStat:
    question: Question
    shown: int = 0
    correct: int = 0
    upper_shown: int = 0
    upper_correct: int = 0
    lower_shown: int = 0
    lower_correct: int = 0
    options: list[OptionStat] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def facility(self) -> float | None:
        return self.correct / self.shown if self.shown else None

    @property
    def discrimination(self) -> float | None:
        if not self.upper_shown or not self.lower_shown:
            return None
        return self.upper_correct / self.upper_shown - self.lower_correct / self.lower_shown

    @property
    def flag_labels(self) -> list[str]:
        return [str(FLAG_LABELS[flag]) for flag in self.flags]


@dataclass
class QuizStats:
    attempts: int
    group_size: int
    items: list[ItemStat]

    @property
    def flagged(self) -> int:
        return sum(1 for item in self.items if item.flags)


@dataclass
class _Tally:
    shown: int = 0
    correct: int = 0
    upper_shown: int = 0
    upper_correct: int = 0
    lower_shown: int = 0
    lower_correct: int = 0
    chosen: Counter = field(default_factory=Counter)
    chosen_upper: Counter = field(default_factory=Counter)
    chosen_lower: Counter = field(default_factory=Counter)


def _groups(quiz: Quiz) -> tuple[int, set[int], set[int]]:
    ranked = list(
        quiz.attempts.finished().order_by("-score_percent", "duration_ms", "pk").values_list("pk", flat=True)
    )
    if len(ranked) < 2:
        return len(ranked), set(), set()
    size = max(1, round(GROUP_SHARE * len(ranked)))
    return len(ranked), set(ranked[:size]), set(ranked[-size:])


def quiz_item_stats(quiz: Quiz, *, question_ids: list[int] | None = None) -> QuizStats:
    """Statistics of every question shown in the quiz's finished attempts (or of the given ones)."""
    total, upper, lower = _groups(quiz)
    rows = AttemptQuestion.objects.filter(attempt__quiz=quiz, question__isnull=False).exclude(
        attempt__status=AttemptStatus.OPEN,
    )
    if question_ids is not None:
        rows = rows.filter(question_id__in=question_ids)
    tallies: dict[int, _Tally] = {}
    for attempt_id, question_id, is_correct, selected in rows.values_list(
        "attempt_id", "question_id", "is_correct", "selected",
    ).iterator(chunk_size=2000):
        tally = tallies.setdefault(question_id, _Tally())
        right = bool(is_correct)
        chosen = set(selected or [])
        tally.shown += 1
        tally.correct += right
        tally.chosen.update(chosen)
        if attempt_id in upper:
            tally.upper_shown += 1
            tally.upper_correct += right
            tally.chosen_upper.update(chosen)
        if attempt_id in lower:
            tally.lower_shown += 1
            tally.lower_correct += right
            tally.chosen_lower.update(chosen)
    questions = Question.objects.filter(pk__in=tallies).select_related("topic").prefetch_related("choices")
    items = [_item(question, tallies[question.pk]) for question in questions]
    return QuizStats(attempts=total, group_size=len(upper), items=items)


def _item(question: Question, tally: _Tally) -> ItemStat:
    item = ItemStat(
        question=question, shown=tally.shown, correct=tally.correct, upper_shown=tally.upper_shown,
        upper_correct=tally.upper_correct, lower_shown=tally.lower_shown, lower_correct=tally.lower_correct,
    )
    known = set()
    for choice in question.choices.all():
        known.add(choice.pk)
        item.options.append(_option(choice.pk, choice.text, choice.is_correct, tally))
    # Choices deleted from the bank since the attempts still count: their answers were given.
    for choice_id in sorted(set(tally.chosen) - known):
        item.options.append(_option(choice_id, str(_("(a choice since removed from the bank)")), False, tally))
    discrimination = item.discrimination
    if discrimination is not None and discrimination < 0:
        item.flags.append(NEGATIVE_DISCRIMINATION)
    if item.upper_shown:
        best_right = max((o.chosen_upper for o in item.options if o.correct), default=0)
        if any(o.chosen_upper > best_right for o in item.options if not o.correct):
            item.flags.append(TOP_GROUP_PREFERS_WRONG)
    return item


def _option(choice_id: int, text: str, correct: bool, tally: _Tally) -> OptionStat:
    return OptionStat(
        choice_id=choice_id, text=text, correct=correct, chosen=tally.chosen[choice_id],
        chosen_upper=tally.chosen_upper[choice_id], chosen_lower=tally.chosen_lower[choice_id],
        share=tally.chosen[choice_id] / tally.shown if tally.shown else 0.0,
    )
