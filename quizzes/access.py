"""Who may take a quiz. The one place for that rule: views and the API ask `quiz_available_to`.

The quiz's audience decides first: a staff quiz is for staff members, unit managers and
organisers; a public quiz and a quiz for everyone are for every logged-in person (civil servants
live in the commune too). Training modules and contests wrap quizzes with rules of their own
(assigned units, registration, round dates): they add them with `register_quiz_gate` from their
AppConfig.ready(), since imports run one way (training → quizzes) and quizzes cannot ask them.
"""

from __future__ import annotations

from collections.abc import Callable

from accounts.roles import is_staff_member
from quizzes.models import Audience, Quiz

QuizGate = Callable[[Quiz, object], bool]
_gates: list[QuizGate] = []



def register_quiz_gate(gate: QuizGate) -> QuizGate:
    """Add a rule every quiz must also pass for a person (return False to refuse). Usable as a
    decorator; registering the same function twice has no effect."""
    if gate not in _gates:
        _gates.append(gate)
    return gate


def unregister_quiz_gate(gate: QuizGate) -> None:
    if gate in _gates:
        _gates.remove(gate)


def audience_admits(audience: str, user) -> bool:
    if not user.is_authenticated:
        return False
    if audience == Audience.STAFF:
        return is_staff_member(user)
    return True


def quiz_available_to(quiz: Quiz, user) -> bool:
    """Whether this person may see the quiz's page and take it (dates and quotas aside: those
    are the attempt services' to refuse, with a message)."""
    return audience_admits(quiz.audience, user) and all(gate(quiz, user) for gate in _gates)
