from django.utils.translation import gettext_lazy as _

from accounts.errors import DomainError


class QuizError(DomainError):
    """A rule of the quiz engine said no."""


class QuizNotOpen(QuizError):
    code = "quiz_not_open"
    status = 409
    default_message = _("This quiz is not open now.")


class NoAttemptsLeft(QuizError):
    code = "no_attempts_left"
    status = 409
    default_message = _("You have used all the attempts allowed for this quiz.")


class AttemptClosed(QuizError):
    code = "attempt_closed"
    status = 409
    default_message = _("This attempt is closed: the time is up or it was submitted already.")


class InvalidAnswer(QuizError):
    code = "invalid_answer"
    status = 400
    default_message = _("This answer does not belong to this question.")


class NotEnoughQuestions(QuizError):
    code = "not_enough_questions"
    status = 409
    default_message = _("The question bank does not have enough published questions for this quiz.")


class OneAnswerOnly(InvalidAnswer):
    # Same code and status as InvalidAnswer (clients need not tell them apart); only the message
    # says what was wrong.
    default_message = _("This question takes exactly one answer.")


class AttemptOpenElsewhere(QuizError):
    """An assisted start while the person has an attempt of their own open (or the other way
    round): neither takes over the other."""

    code = "attempt_open_elsewhere"
    status = 409
    default_message = _("This person has an attempt in progress on another device. It must be submitted "
                        "or reach its deadline first.")
