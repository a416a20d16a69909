from django.urls import path

from quizzes.views import bank

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
]
