"""The contest's refusals. They are quiz-engine errors, so every view and the API show them the
same way (a translated message, a code, an HTTP status)."""

from django.utils.translation import gettext_lazy as _

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


class RoundNotEnded(QuizError):
    code = "round_not_ended"
    status = 409
    default_message = _("The final ranking can only be computed once the round has ended.")
