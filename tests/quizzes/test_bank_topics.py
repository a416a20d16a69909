"""Topic list, create and edit."""

from django.urls import reverse

from accounts.models import AuditEntry
from quizzes.models import Topic
from tests.quizzes.bank_helpers import make_question, make_topic

LIST = reverse("quizzes:bank_topic_list")
CREATE = reverse("quizzes:bank_topic_create")


def test_it_lists_topics_with_their_question_counts_in_fixed_queries(organiser_client, django_assert_num_queries,
                                                                     db):
    nq76 = make_topic("Nghị quyết 76/NQ-CP")
    for _ in range(3):
        make_question(topic=nq76)
    for n in range(10):
        make_topic(f"Chủ đề {n:02d}")
    # session, user, the organiser's permissions (2), the topics with their counts
    with django_assert_num_queries(5):
        response = organiser_client.get(LIST)
    counts = {t.name: t.question_count for t in response.context["topics"]}
    assert counts["Nghị quyết 76/NQ-CP"] == 3
    assert len(counts) == 11


def test_it_creates_a_topic_and_makes_its_slug_from_the_vietnamese_name(organiser_client, organiser, db):
    response = organiser_client.post(CREATE, {"name": "Đổi mới chính quyền địa phương 2 cấp", "slug": "",
                                              "description": ""})
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.slug == "doi-moi-chinh-quyen-dia-phuong-2-cap"
    entry = AuditEntry.objects.get(action="topic.create")
    assert entry.actor == organiser and entry.data["after"]["name"] == topic.name


def test_a_generated_slug_never_collides(organiser_client, db):
    make_topic("Dịch vụ công", slug="dich-vu-cong")
    organiser_client.post(CREATE, {"name": "Dịch vụ công", "slug": ""})
    assert Topic.objects.filter(slug="dich-vu-cong-2").exists()


def test_it_refuses_a_taken_or_malformed_slug_and_a_missing_name(organiser_client, db):
    make_topic("Dịch vụ công", slug="dvc")
    taken = organiser_client.post(CREATE, {"name": "Khác", "slug": "dvc"})
    assert "Đã có chủ đề khác dùng mã này" in " ".join(taken.context["form"].errors["slug"])
    malformed = organiser_client.post(CREATE, {"name": "Khác", "slug": "có dấu cách"})
    assert "Chỉ dùng chữ thường không dấu" in " ".join(malformed.context["form"].errors["slug"])
    nameless = organiser_client.post(CREATE, {"name": "", "slug": "x"})
    assert "Trường này là bắt buộc" in " ".join(nameless.context["form"].errors["name"])
    assert Topic.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_it_edits_a_topic_and_audits_the_change(organiser_client, db):
    topic = make_topic("Tên cũ", slug="ten-cu")
    url = reverse("quizzes:bank_topic_edit", args=[topic.pk])
    assert organiser_client.get(url).status_code == 200
    response = organiser_client.post(url, {"name": "Tên mới", "slug": "ten-cu", "description": "Mô tả"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name == "Tên mới"
    entry = AuditEntry.objects.get(action="topic.update")
    assert entry.data == {"before": {"name": "Tên cũ", "description": ""},
                          "after": {"name": "Tên mới", "description": "Mô tả"}}
