"""Who may take a quiz. The one place for that rule: views and the API ask `quiz_available_to`.

The quiz's audience decides first: a staff quiz is for staff members, unit managers and
organisers; a public quiz and a quiz for everyone are for every logged-in person (civil servants
live in the commune too). Training modules and contests wrap quizzes with rules of their own
(assigned units, registration, round dates): their receivers of quizzes.signals.quiz_access
refuse a quiz of theirs to whoever those rules leave out.
"""

from __future__ import annotations

from accounts.roles import is_staff_member
from quizzes.models import Audience, Quiz
from quizzes.signals import quiz_access


def audience_admits(audience: str, user) -> bool:
    if not user.is_authenticated:
        return False
    if audience == Audience.STAFF:
        return is_staff_member(user)
    return True


def quiz_available_to(quiz: Quiz, user) -> bool:
    """Whether this person may see the quiz's page and take it (dates and quotas aside: those
    are the attempt services' to refuse, with a message)."""
    if not audience_admits(quiz.audience, user):
        return False
    return all(answer is not False for _receiver, answer in quiz_access.send(sender=Quiz, quiz=quiz, user=user))

