from django.urls import path

from quizzes.views import attempts, bank, item_stats

app_name = "quizzes"

urlpatterns = [
    # --- Question bank (organisers) ---
    path("bank/", bank.question_list, name="bank_question_list"),
    path("bank/questions/new/", bank.question_create, name="bank_question_create"),
    path("bank/questions/<int:pk>/", bank.question_edit, name="bank_question_edit"),
    path("bank/questions/<int:pk>/status/", bank.question_status, name="bank_question_status"),
    path("bank/questions/<int:pk>/delete/", bank.question_remove, name="bank_question_delete"),
    path("bank/topics/", bank.topic_list, name="bank_topic_list"),
    path("bank/topics/new/", bank.topic_create, name="bank_topic_create"),
    path("bank/topics/<int:pk>/", bank.topic_edit, name="bank_topic_edit"),
    path("bank/import/", bank.question_import, name="bank_import"),
    path("bank/import/template.xlsx", bank.question_import_template, name="bank_import_template"),
    path("bank/export/", bank.question_export, name="bank_export"),
    # --- end of question bank ---
    # --- Taking quizzes, results and item statistics (attempt pages) ---
    path("bank/questions/<int:pk>/stats/", item_stats.question_stats, name="question_stats"),
    path("attempts/<int:pk>/", attempts.attempt_take, name="attempt_take"),
    path("attempts/<int:pk>/answer/", attempts.attempt_answer, name="attempt_answer"),
    path("attempts/<int:pk>/review/", attempts.attempt_review, name="attempt_review"),
    path("attempts/<int:pk>/submit/", attempts.attempt_submit_view, name="attempt_submit"),
    path("attempts/<int:pk>/result/", attempts.attempt_result, name="attempt_result"),
    path("<slug:slug>/", attempts.quiz_detail, name="quiz_detail"),
    path("<slug:slug>/start/", attempts.attempt_begin, name="attempt_start"),
    path("<slug:slug>/my-attempts/", attempts.attempt_list, name="attempt_list"),
    path("<slug:slug>/stats/", item_stats.quiz_stats, name="quiz_stats"),
    path("<slug:slug>/stats/<int:question_id>/", item_stats.quiz_question_stats, name="quiz_question_stats"),
    # --- end of taking quizzes (keep the <slug> routes last: they match any single segment) ---
]
