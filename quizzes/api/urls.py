from django.urls import path, re_path

from quizzes.api import views

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("quizzes/", views.QuizListView.as_view(), name="quiz_list"),
    path("quizzes/<int:pk>/attempts/", views.AttemptStartView.as_view(), name="attempt_start"),
    path("attempts/<int:pk>/", views.AttemptDetailView.as_view(), name="attempt_detail"),
    path("attempts/<int:pk>/answers/", views.AnswerSaveView.as_view(), name="answer_save"),
    path("attempts/<int:pk>/submit/", views.AttemptSubmitView.as_view(), name="attempt_submit"),
    path("attempts/<int:pk>/result/", views.AttemptResultView.as_view(), name="attempt_result"),
    # Last: everything else under api/ (the schema and docs are matched before this include).
    # [\s\S], not ".": a path may hold an encoded newline.
    re_path(r"^[\s\S]*$", views.not_found),
]
