"""Tallies of finished attempts and their answers per day, added to from the graded attempts
(reports.tallies), so the dashboard and the unit × topic table read a few thousand rows instead
of scanning every answer.

A tally counts each finished attempt once, in the local day it was submitted and the unit its
person belonged to at grading (as contest standings do). Rows are only ever incremented; the
`rebuild_report_tallies` command recomputes them from the attempts if they are ever in doubt.
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
    # Whether the person was staff (a staff, unit manager or organiser group) when graded: what the
    # reports' audience filter (staff / residents) selects on.
    is_staff_member = models.BooleanField(_("staff member"), default=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("attempt tally")
        verbose_name_plural = _("attempt tallies")
        constraints = [models.UniqueConstraint(fields=["day", "unit", "quiz", "is_staff_member"],
                                               name="attempt_tally_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}/{self.quiz_id}: {self.attempts}"


class TopicTally(models.Model):
    """Answers and correct answers per (day, unit, quiz, staff or not, topic the question had
    when drawn)."""

    day = models.DateField(_("day"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    is_staff_member = models.BooleanField(_("staff member"), default=False)
    # The attempt's frozen topic id (AttemptQuestion.topic_id_snapshot): no foreign key, a topic
    # deleted later simply drops out of the table, as it does from the answers.
    topic_id = models.PositiveIntegerField()
    answers = models.PositiveIntegerField(_("answers"), default=0)
    correct = models.PositiveIntegerField(_("correct answers"), default=0)

    class Meta:
        verbose_name = _("topic tally")
        verbose_name_plural = _("topic tallies")
        constraints = [models.UniqueConstraint(fields=["day", "unit", "quiz", "is_staff_member", "topic_id"],
                                               name="topic_tally_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}/{self.quiz_id}/{self.topic_id}: {self.correct}/{self.answers}"


class QuestionTally(models.Model):
    """Answers and correct answers per (day, unit, quiz, staff or not, question): what the most
    missed questions are ranked by. Deleting a question deletes its rows, as its answers then no
    longer name it."""

    day = models.DateField(_("day"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    is_staff_member = models.BooleanField(_("staff member"), default=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    answers = models.PositiveIntegerField(_("answers"), default=0)
    correct = models.PositiveIntegerField(_("correct answers"), default=0)

    class Meta:
        verbose_name = _("question tally")
        verbose_name_plural = _("question tallies")
        constraints = [
            models.UniqueConstraint(fields=["day", "unit", "quiz", "is_staff_member", "question"],
                                    name="question_tally_unique"),
        ]
        indexes = [
            # Covering: the ranking reads this index alone (SQLite has no INCLUDE, hence the plain
            # trailing columns).
            models.Index(fields=["day", "unit", "quiz", "is_staff_member", "question", "answers", "correct"],
                         name="question_tally_read_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}/{self.quiz_id}/{self.question_id}: {self.correct}/{self.answers}"


class TallyBacklog(models.Model):
    """A graded attempt not yet added to the tallies. Grading writes this one row (inside its
    transaction) instead of the tallies' upserts, which held SQLite's write lock for a third of a
    submit (make bench); reports.tallies.tallies_fold adds the waiting attempts to the tallies in
    bulk before any tally is read, and `fold_report_tallies` does it between reads (cron)."""

    attempt = models.OneToOneField("quizzes.Attempt", on_delete=models.CASCADE, primary_key=True, related_name="+")
    # As they were at grading: the person's unit, and whether they were staff.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    is_staff_member = models.BooleanField(_("staff member"), default=False)

    class Meta:
        verbose_name = _("graded attempt not yet tallied")
        verbose_name_plural = _("graded attempts not yet tallied")

    def __str__(self) -> str:
        return f"{self.attempt_id} → {self.unit_id}"
