"""Tallies of finished attempts and their answers per day, counted from the attempts by
reports.tallies (run by the task queue every five minutes, and by `manage.py update_report_tallies`),
so that the dashboard and the unit × topic table read a few thousand rows instead of every answer.
A report reads them and says as of when; it never writes them.

A tally counts each finished attempt on the local day it was submitted, for the unit and
staff-ness frozen on the attempt when it started.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from quizzes.models import Question, Quiz


class AttemptTally(models.Model):
    """Finished attempts per (day, unit, quiz, staff or not)."""

    day = models.DateField(_("day"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    # Whether the person was staff when the attempt started: what the reports' audience filter
    # (staff / residents) selects on.
    is_staff_member = models.BooleanField(_("staff member"), default=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("attempt tally")
        verbose_name_plural = _("attempt tallies")
        constraints = [models.UniqueConstraint(fields=["day", "unit", "quiz", "is_staff_member"],
                                               name="attempt_tally_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}/{self.quiz_id}: {self.attempts}"


class AnswerTally(models.Model):
    """Answers and correct answers per (day, unit, quiz, staff or not, question, topic the
    question had when drawn): the unit × topic table sums them per topic, the most missed
    questions per question."""

    # One index, on (day, unit), which every read and every recount of a day goes through: an index
    # per foreign key slowed both (a deleted unit, quiz or question is looked for by a scan).
    day = models.DateField(_("day"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+", db_index=False)
    is_staff_member = models.BooleanField(_("staff member"), default=False)
    # A question deleted since leaves the most missed questions (its answers no longer name it)
    # but its answers still count for their topic.
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, related_name="+", db_index=False)
    # The attempt's frozen topic id (AttemptQuestion.topic_id_snapshot): no foreign key, a topic
    # deleted later simply drops out of the table, as it does from the answers.
    topic_id = models.PositiveIntegerField(null=True)
    answers = models.PositiveIntegerField(_("answers"), default=0)
    correct = models.PositiveIntegerField(_("correct answers"), default=0)

    class Meta:
        verbose_name = _("answer tally")
        verbose_name_plural = _("answer tallies")
        indexes = [models.Index(fields=["day", "unit"], name="answer_tally_day_unit_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}/{self.quiz_id}/{self.question_id}: {self.correct}/{self.answers}"


class TallyUpdate(models.Model):
    """The last count of the tallies (one row): the tallies hold every attempt finished before
    `counted_at`, which the pages show as "as of"."""

    counted_at = models.DateTimeField(_("counted at"), null=True)

    class Meta:
        verbose_name = _("tally update")
        verbose_name_plural = _("tally updates")

    def __str__(self) -> str:
        return f"{self.counted_at:%Y-%m-%d %H:%M}" if self.counted_at else "-"
