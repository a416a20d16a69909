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
