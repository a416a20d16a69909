"""Contests left the quizzes app for their own and kept their tables (contests/0001 and
quizzes/0008 change the migration state only). A database as the code before the move made it
keeps every row, and its content types move to the new label, so the permissions granted on
contests and rounds and the audit log's entries about them follow. On SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import AuditEntry, User
from accounts.roles import Role
from contests.models import (
    Contest,
    ContestStanding,
    Prediction,
    Prize,
    RankBucket,
    Round,
    Standing,
    SuspicionFlag,
    UnitStanding,
)
from quizzes.models import AttemptStatus
from tests.factories import make_unit, make_user
from tests.quizzes.attempt_factories import make_quiz_with_questions, start

# Migrations run outside a test's transaction (SQLite's schema editor refuses to run inside one).
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = ("quizzes", "0007_attempt_person_at_start")


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _rows_as_before_the_move(apps, *, unit, user, quiz, attempt) -> dict:
    """Rows written with the models as they were inside the quizzes app."""
    contest = apps.get_model("quizzes", "Contest").objects.create(
        title="Tìm hiểu cải cách hành chính", slug="cchc", is_published=True)
    contest.organising_units.add(unit.pk)
    now = timezone.now()
    round_ = apps.get_model("quizzes", "Round").objects.create(
        contest=contest, number=1, quiz_id=quiz.pk, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=6))
    apps.get_model("quizzes", "Prediction").objects.create(attempt_id=attempt.pk, value=120)
    standing = apps.get_model("quizzes", "Standing").objects.create(
        round=round_, user_id=user.pk, unit_id=unit.pk, attempt_id=attempt.pk, score=3, max_score=3,
        duration_ms=42_000, submitted_at=now, prediction=120)
    apps.get_model("quizzes", "RankBucket").objects.create(round=round_, score=3, duration_s=42, count=1)
    apps.get_model("quizzes", "UnitStanding").objects.create(round=round_, unit_id=unit.pk, participants=1,
                                                              score_sum=3)
    apps.get_model("quizzes", "ContestStanding").objects.create(contest=contest, user_id=user.pk, rounds=1,
                                                                 total_score=3, total_duration_ms=42_000)
    apps.get_model("quizzes", "Prize").objects.create(round=round_, kind="individual", place=1, standing=standing,
                                                      unit_id=unit.pk)
    apps.get_model("quizzes", "SuspicionFlag").objects.create(round=round_, attempt_id=attempt.pk, user_id=user.pk,
                                                              kind="fast_perfect")
    return {"contest": contest.pk, "round": round_.pk, "standing": standing.pk}


def test_a_database_from_before_the_move_keeps_its_contests_and_their_permissions():
    village = make_unit("Thôn Một")
    person = make_user(role=Role.RESIDENT, unit=village)
    organiser = make_user(role=Role.ORGANISER, unit=village)
    quiz = make_quiz_with_questions(3, slug="tuan-1")
    attempt = start(quiz, person)
    attempt.status = AttemptStatus.SUBMITTED
    attempt.save()

    executor = _migrate([BEFORE_THE_MOVE, ("contests", None)])
    ContentType.objects.clear_cache()
    old_type = ContentType.objects.get(app_label="quizzes", model="round")
    assert old_type.permission_set.filter(codename="change_round").exists()
    AuditEntry.objects.create(action="contest.round_save", object_type="quizzes.round", object_id="1")
    ids = _rows_as_before_the_move(executor.loader.project_state([BEFORE_THE_MOVE]).apps,
                                   unit=village, user=person, quiz=quiz, attempt=attempt)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    contest = Contest.objects.get(pk=ids["contest"])
    assert list(contest.organising_units.all()) == [village]
    round_ = Round.objects.for_quiz(quiz)
    assert (round_.pk, round_.contest_id) == (ids["round"], contest.pk)
    standing = Standing.objects.get(pk=ids["standing"])
    assert (standing.round_id, standing.attempt_id, standing.prediction) == (round_.pk, attempt.pk, 120)
    assert Prediction.objects.get(attempt=attempt).value == 120
    assert RankBucket.objects.get(round=round_).count == 1
    assert UnitStanding.objects.get(round=round_).score_sum == 3
    assert ContestStanding.objects.get(contest=contest).total_score == 3
    assert Prize.objects.get(round=round_).standing == standing
    assert SuspicionFlag.objects.get(round=round_).attempt_id == attempt.pk

    assert ContentType.objects.get_for_model(Round).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="quizzes", model="round").exists()
    assert Group.objects.get(name=Role.ORGANISER).permissions.filter(
        content_type=old_type, codename="change_round").exists()
    assert User.objects.get(pk=organiser.pk).has_perm("contests.change_round")
    assert AuditEntry.objects.get(action="contest.round_save").object_type == "contests.round"
