"""The demo bank (fixtures/question_bank.json) loads through the same validation, idempotently."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import AuditEntry
from quizzes import demo
from quizzes.bank_import import questions_import
from quizzes.models import Question, Topic
from tests.quizzes.import_helpers import db_state, messages

pytestmark = pytest.mark.django_db
BANK = json.loads((Path(settings.BASE_DIR) / "fixtures" / "question_bank.json").read_text("utf-8"))


def test_the_demo_bank_loads_every_question_published_with_its_topics():
    demo.load(io.StringIO())

    assert Question.objects.count() == len(BANK["questions"])
    assert not Question.objects.exclude(status="published").exists()
    assert not Question.objects.filter(source="").exists()
    for spec in BANK["topics"]:
        topic = Topic.objects.get(slug=spec["slug"])
        assert (topic.name, topic.description) == (spec["name"], spec["description"])
    entry = AuditEntry.objects.get(action="questions.import")
    assert entry.actor is None and entry.data["created"] == len(BANK["questions"])


def test_loading_twice_adds_nothing():
    demo.load(io.StringIO())
    before = db_state()
    out = io.StringIO()

    demo.load(out)

    assert db_state() == before
    assert f"0 new, {len(BANK['questions'])} already loaded" in out.getvalue()


def test_a_broken_json_bank_is_explained():
    assert messages(questions_import(source=b"{not json", format="json")) == ["Tệp: Tệp không phải JSON hợp lệ."]
    assert messages(questions_import(source=b'{"topics": []}', format="json")) == [
        "Tệp: Tệp JSON phải có danh sách “questions”."]


def test_json_questions_go_through_the_same_validation():
    data = {"topics": [{"slug": "t", "name": "Chủ đề T"}],
            "questions": [{"topic": "t", "type": "single", "text": "Câu?", "source": "NQ 76",
                           "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]},
                          {"topic": "t", "type": "single", "text": "Câu 2?", "choices": "sai kiểu"}]}
    before = db_state()

    report = questions_import(source=json.dumps(data).encode(), format="json")

    assert messages(report) == [
        "Câu 1: Câu hỏi một đáp án chỉ có đúng một lựa chọn đúng; câu này đang đánh dấu 2 lựa chọn.",
        "Câu 2: “choices” phải là danh sách các đối tượng {text, correct}.",
    ]
    assert db_state() == before
