from django.urls import path

from training.api import views

app_name = "training_api"

urlpatterns = [
    path("modules/", views.ModuleListView.as_view(), name="module_list"),
    path("modules/<slug:slug>/", views.ModuleDetailView.as_view(), name="module_detail"),
    path("lessons/<int:pk>/", views.LessonDetailView.as_view(), name="lesson_detail"),
    path("lessons/<int:pk>/read/", views.LessonReadView.as_view(), name="lesson_read"),
    path("progress/", views.ProgressListView.as_view(), name="progress"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignments"),
    path("certificates/", views.CertificateListView.as_view(), name="certificates"),
    path("verify/<str:code>/", views.VerifyView.as_view(), name="verify"),
]
