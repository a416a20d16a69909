"""The contest's refusals. They are quiz-engine errors, so every view and the API show them the
same way (a translated message, a code, an HTTP status)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes.services.errors import QuizError


class RoundNotOpen(QuizError):
    code = "round_not_open"
    status = 409
    default_message = _("This round is not open now.")


class RoundClosed(QuizError):
    code = "round_closed"
    status = 409
    default_message = _("This round has closed: answers and predictions are no longer accepted.")


class WrongAudience(QuizError):
    code = "wrong_audience"
    status = 403
    default_message = _("This contest is not open to your group of participants.")


class TooYoung(QuizError):
    code = "too_young"
    status = 403
    default_message = _("You are under the minimum age for this contest.")


class BirthYearMissing(QuizError):
    code = "birth_year_missing"
    status = 403
    default_message = _("This contest has a minimum age: add your birth year in My account first.")


class TooManyStarts(QuizError):
    code = "too_many_starts"
    status = 429
    default_message = _("Too many attempts were started from your network in a short time. "
                        "Please wait a few minutes and try again.")


class TooManyStartsByPerson(TooManyStarts):
    default_message = _("You have started too many attempts in a short time. "
                        "Please wait a few minutes and try again.")


class InvalidPrediction(QuizError):
    code = "invalid_prediction"
    status = 400
    default_message = _("The prediction must be a whole number from 0 to 10,000,000.")


class PredictionTooLate(QuizError):
    code = "prediction_too_late"
    status = 409
    default_message = _("This attempt is already submitted: the prediction is given with the submit and cannot be "
                        "added or changed afterwards.")


class RoundNotEnded(QuizError):
    code = "round_not_ended"
    status = 409
    default_message = _("The final ranking can only be computed once the round has ended.")


class PoolTooSmall(QuizError):
    code = "pool_too_small"
    status = 409
    default_message = _("The question bank does not have enough published questions for this draw.")


class NoDraw(QuizError):
    code = "no_draw"
    status = 400
    default_message = _("Choose how many questions each round draws from at least one topic.")


class NoRounds(QuizError):
    code = "no_rounds"
    status = 409
    default_message = _("Add the contest's rounds before publishing it.")


class RoundsOverlap(QuizError):
    code = "rounds_overlap"
    status = 409
    default_message = _("These rounds would overlap a round the contest already has.")


class RoundFinal(QuizError):
    code = "round_final"
    status = 409
    default_message = _("The final ranking of this round is computed: its times can no longer change.")


# How many overlapping questions a refusal names before "and N other questions".
OVERLAP_LISTED = 10
OVERLAP_TEXT_CHARS = 60


def _short(text: str) -> str:
    words = " ".join(text.split())
    if len(words) <= OVERLAP_TEXT_CHARS:
        return words
    cut = words[:OVERLAP_TEXT_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut[:-1]).rstrip(" ,;:") + "…"  # at a word's end


def questions_listed(questions: list) -> str:
    """«question», «question», … and N other questions: the texts shortened, at most OVERLAP_LISTED."""
    shown = "; ".join(f"«{_short(q.text)}»" for q in questions[:OVERLAP_LISTED])
    rest = len(questions) - OVERLAP_LISTED
    if rest > 0:
        shown += " " + ngettext("and %(count)d other question", "and %(count)d other questions", rest) % {
            "count": rest}
    return shown


class PoolOverlap(QuizError):
    """Publishing would let questions of a live contest's pool be reviewed with their right answers
    by people who can take that contest (contests/fairness.py). `questions` (Question objects, by
    id) and `conflicts` (the contests, or the quizzes, they overlap with) let a page list them with
    links; the message names them too."""

    code = "pool_overlap"
    status = 409
    template = ""

    def __init__(self, *, questions: list, conflicts: list) -> None:
        self.questions = list(questions)
        self.conflicts = list(conflicts)
        super().__init__(str(self.template) % {
            "count": len(self.questions),
            "conflicts": ", ".join(f"«{c.title}»" for c in self.conflicts),
            "questions": questions_listed(self.questions),
        })


class QuizPoolOverlap(PoolOverlap):
    code = "quiz_pool_overlap"
    template = _("This quiz cannot be published: %(count)s of its questions are in the pool of the contest "
                 "%(conflicts)s, which has rounds still open or to come, and the quiz would show their right "
                 "answers: %(questions)s. Draw the quiz from other topics, or set its review to never (or to "
                 "after it closes, once the contest is over).")


class ContestPoolOverlap(PoolOverlap):
    code = "contest_pool_overlap"
    template = _("This contest cannot be published: %(count)s questions of its pool can be reviewed with their "
                 "right answers in %(conflicts)s: %(questions)s. Draw the rounds from other topics, or set the "
                 "review of those quizzes to never until the contest is over.")


class CloseBeforeStarts(QuizError):
    code = "close_before_starts"
    status = 409
    default_message = _("Some attempts at this round started after that time: choose a later close.")


class FlagsUndecided(QuizError):
    """Prizes wait for every suspicion flag of the round to be confirmed or cleared."""

    code = "flags_undecided"
    status = 409

    def __init__(self, flag_ids: list[int]) -> None:
        self.flag_ids = list(flag_ids)
        super().__init__(_("%(count)s suspicion flag(s) of this round are still undecided. Confirm or clear "
                           "each one before the prizes are awarded, or give a reason to close the round "
                           "without waiting for them.") % {"count": len(self.flag_ids)})


class CloseInProgress(QuizError):
    code = "close_in_progress"
    status = 409
    default_message = _("This round is already being closed: wait for that run to finish (its progress is on "
                        "the participation page).")
