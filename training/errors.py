from django.utils.translation import gettext_lazy as _

from accounts.errors import DomainError


class TrainingError(DomainError):
    """A training rule said no."""


class ModuleUnavailable(TrainingError):
    # 404, like any page the person may not see: it does not reveal that a draft exists.
    code = "module_unavailable"
    status = 404
    default_message = _("This module is not published or not available to you.")


class LessonOutOfOrder(TrainingError):
    code = "lesson_out_of_order"
    status = 409
    default_message = _("Lessons are read in order: finish the previous lesson first.")


class LessonsNotFinished(TrainingError):
    code = "lessons_not_finished"
    status = 409
    default_message = _("Finish every lesson of the module before taking its quiz.")


class CertificateNotFound(TrainingError):
    code = "certificate_not_found"
    status = 404
    default_message = _("You have no certificate with this code.")


class CertificateRevoked(TrainingError):
    code = "certificate_revoked"
    status = 410
    default_message = _("This certificate has been revoked and can no longer be downloaded.")


class ModuleHasNoLessons(TrainingError):
    code = "module_has_no_lessons"
    status = 409
    default_message = _("Add at least one lesson before publishing the module.")


class PoolTooSmall(TrainingError):
    """A draw rule asks for more published questions of a topic than the bank holds for the
    quiz's audience: every attempt would fail to start."""

    code = "pool_too_small"
    status = 409

    def __init__(self, *, topic, wanted: int, available: int) -> None:
        self.topic, self.wanted, self.available = topic, wanted, available
        super().__init__(_("“%(topic)s” has only %(available)d published question(s) for this audience; "
                           "the quiz cannot draw %(wanted)d.")
                         % {"topic": topic.name, "available": available, "wanted": wanted})


class QuizDrawsNothing(TrainingError):
    code = "quiz_draws_nothing"
    status = 400
    default_message = _("Draw at least one question from one topic.")
