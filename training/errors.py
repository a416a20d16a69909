from django.utils.translation import gettext_lazy as _


class TrainingError(Exception):
    """A training rule said no. `message` is for the person (translated); `code` for API clients;
    `status` is the HTTP status both the pages and the API answer with."""

    code = "invalid"
    status = 400
    default_message = _("This request cannot be carried out.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


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
