from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule said no. `message` is for the person (translated); `code` is for API
    clients; `status` is the HTTP status both the pages and the API answer with. Each app
    subclasses it (QuizError, TrainingError), and the API's one exception handler maps any of
    them to the uniform error shape."""

    code = "invalid"
    status = 400
    default_message = _("This request cannot be carried out.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)
