"""Contests, rounds, standings, prizes, suspicion flags and round closes (one module each group)."""

from contests.models.closing import ClosingStatus, ClosingStep, RoundClosing
from contests.models.contest import (
    QUIZ_ROUND,
    Contest,
    ContestAudience,
    ContestDrawRule,
    Prediction,
    PredictionKind,
    RankingRule,
    Round,
)
from contests.models.flag import FlagStatus, SuspicionFlag, SuspicionKind
from contests.models.standing import (
    ContestStanding,
    Prize,
    PrizeCategory,
    PrizeKind,
    RankBucket,
    Standing,
    UnitStanding,
)

__all__ = [
    "QUIZ_ROUND", "ClosingStatus", "ClosingStep", "Contest", "ContestAudience", "ContestDrawRule", "ContestStanding",
    "FlagStatus", "Prediction", "PredictionKind", "Prize", "PrizeCategory", "PrizeKind", "RankBucket", "RankingRule",
    "Round", "RoundClosing", "Standing", "SuspicionFlag", "SuspicionKind", "UnitStanding",
]
