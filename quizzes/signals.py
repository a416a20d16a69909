"""The quiz engine's extension points, all in one place.

The engine knows nothing of the apps built on it (training modules, contests, reports): imports
run one way, upwards never. Those apps connect receivers to these signals in their
`AppConfig.ready()`; the engine sends them and acts on what the receivers answer. A receiver may
be called with quizzes that are not its own and says nothing about those (returns None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.dispatch import Signal

# May this person take this quiz?  kwargs: quiz, user (authenticated).
# A receiver returns False to refuse; True or None admits. The quiz's audience is checked first,
# by the engine itself (quizzes.access.quiz_available_to).
quiz_access = Signal()

# A new attempt is about to be created (never sent when an open attempt is resumed).
# kwargs: quiz, user, client_ip. A receiver refuses by raising a quizzes.services.errors.QuizError.
attempt_starting = Signal()

# An attempt has just been graded: submitted, or closed at its deadline.  kwargs: attempt.
# Sent inside the grading transaction, exactly once per attempt, so what a receiver writes is
# committed or rolled back with the grade. `attempt.items.all()` holds the graded items (no
# query), and `attempt.user` is cached when the caller knew whose attempt it is.
attempt_finished = Signal()

# Where the attempt pages send a person: to submit (for example a prediction to give first) and,
# once the attempt is closed, to see the result.  kwargs: attempt. A receiver returns a URL or None;
# with no URL the engine's own page is used.
attempt_submit_page = Signal()
attempt_result_page = Signal()

# A quiz is being saved where people may take it (the engine has no draft state for quizzes: the
# admin's save, an organiser's page that publishes it).  kwargs: quiz, with its draw rules and
# fixed questions saved. Sent inside the saving transaction: a receiver refuses by raising a
# quizzes.services.errors.QuizError, and the caller rolls the save back and shows the message.
quiz_publishing = Signal()

# May this person see the right answers of these questions in a review now?  kwargs: attempt,
# user (the attempt's person), question_ids (the bank ids of the attempt's questions). Sent by
# quizzes.services.attempts.review_withheld for every review the engine shows (its result page,
# the API's submit and result), once the quiz's own review policy allows one. A receiver returns a
# Withheld (or a list of them) for questions whose answers must stay hidden, or None.
answer_review_withheld = Signal()


@dataclass(frozen=True)
class Withheld:
    """Questions whose right answers and explanations a review must not show, and why: `reason`
    for the person (translated), `until` when they will be shown (None: not known)."""

    question_ids: frozenset[int]
    reason: str
    until: datetime | None = None


def first_answer(signal: Signal, **kwargs):
    """The first receiver's answer that is not None, or None: for the page signals."""
    for _receiver, response in signal.send(sender=None, **kwargs):
        if response is not None:
            return response
    return None
