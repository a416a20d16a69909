"""The Django admin registrations: every quiz-engine page opens, changes are audited, attempts
cannot be changed."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, User
from tests.quizzes.bank_helpers import make_attempt_with, make_question


@pytest.fixture
def admin_client_(commune) -> Client:
    user = User.objects.create_superuser("0900000999", "Mat-khau-quan-tri-1", full_name="Quản trị", unit=commune)
    client = Client()
    client.force_login(user, backend="accounts.backends.PhoneOrEmailBackend")
    return client


@pytest.mark.parametrize("model", ["topic", "question", "quiz", "attempt"])
def test_every_changelist_and_add_page_opens(admin_client_, model):
    make_question()
    assert admin_client_.get(reverse(f"admin:quizzes_{model}_changelist")).status_code == 200
    add = admin_client_.get(reverse(f"admin:quizzes_{model}_add"))
    assert add.status_code == (403 if model == "attempt" else 200)


def test_a_question_edited_in_the_admin_is_audited(admin_client_):
    question = make_question()
    choices = list(question.choices.all())
    data = {"topic": question.topic_id, "type": "single", "text": "Văn bản sửa trong trang quản trị",
            "explanation": "", "difficulty": "medium", "audience": "both", "status": "published",
            "source": question.source, "created_by": "", "choices-TOTAL_FORMS": "3", "choices-INITIAL_FORMS": "3",
            "choices-MIN_NUM_FORMS": "2", "choices-MAX_NUM_FORMS": "1000"}
    for i, c in enumerate(choices):
        data.update({f"choices-{i}-id": c.pk, f"choices-{i}-question": question.pk, f"choices-{i}-order": i,
                     f"choices-{i}-text": c.text})
        if c.is_correct:
            data[f"choices-{i}-is_correct"] = "on"
    response = admin_client_.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="question.update")
    assert entry.data == {"via": "admin", "fields": ["text"]}


def test_an_attempt_is_read_only_in_the_admin(admin_client_, staff_a):
    item = make_attempt_with(make_question(), user=staff_a)
    url = reverse("admin:quizzes_attempt_change", args=[item.attempt_id])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin_client_.post(url, {"status": "submitted"}).status_code == 403
    assert admin_client_.post(reverse("admin:quizzes_attempt_delete", args=[item.attempt_id])).status_code == 403
