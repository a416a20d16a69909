"""Django REST framework's own messages that this API can send, marked here so that makemessages
copies them into the project catalogue: DRF ships almost no Vietnamese, and the project catalogue
(LOCALE_PATHS) takes precedence over DRF's, so these come out translated."""

from django.utils.translation import gettext_noop

DRF_MESSAGES = [
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Invalid token."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("User inactive or deleted."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop("Invalid page."),
    gettext_noop("Malformed request."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop("Invalid input."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Not a valid string."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("String value too large."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("Null characters are not allowed."),
]
