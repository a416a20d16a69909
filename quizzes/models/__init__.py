from quizzes.models.attempt import Attempt, AttemptQuestion, AttemptStatus
from quizzes.models.bank import Audience, Choice, Difficulty, Question, QuestionStatus, QuestionType, Topic
from quizzes.models.quiz import (
    Quiz,
    QuizDrawRule,
    QuizFixedQuestion,
    QuizOverride,
    ReviewPolicy,
    ScoringRule,
)

__all__ = [
    "Attempt", "AttemptQuestion", "AttemptStatus", "Audience", "Choice", "Difficulty", "Question",
    "QuestionStatus", "QuestionType", "Quiz", "QuizDrawRule", "QuizFixedQuestion", "QuizOverride",
    "ReviewPolicy", "ScoringRule", "Topic",
]

# Contest models live in their own sub-package (quizzes/contests/); imported here, last, so that
# Django registers them with this app and they can import the engine's models above.
from quizzes.contests.models import (
    Contest,
    ContestAudience,
    ContestStanding,
    Prediction,
    PredictionKind,
    Prize,
    PrizeCategory,
    PrizeKind,
    RankBucket,
    Round,
    Standing,
    SuspicionFlag,
    UnitStanding,
)

__all__ += [
    "Contest", "ContestAudience", "ContestStanding", "Prediction", "PredictionKind", "Prize", "PrizeCategory",
    "PrizeKind", "RankBucket", "Round", "Standing", "SuspicionFlag", "UnitStanding",
]
