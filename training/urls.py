from django.urls import path

from training.views import certificates, learner, manage

app_name = "training"

urlpatterns = [
    path("", learner.module_list, name="module_list"),
    path("continue/", learner.continue_learning, name="continue"),
    path("modules/<slug:slug>/", learner.module_detail, name="module_detail"),
    path("modules/<slug:module_slug>/<slug:lesson_slug>/", learner.lesson_detail, name="lesson_detail"),
    path("modules/<slug:module_slug>/<slug:lesson_slug>/read/", learner.lesson_mark_read, name="lesson_mark_read"),
    path("modules/<slug:module_slug>/<slug:lesson_slug>/attachment.pdf", learner.lesson_attachment,
         name="lesson_attachment"),
    path("certificates/<str:code>.pdf", certificates.certificate_download, name="certificate_download"),
    path("verify/", certificates.certificate_verify_form, name="certificate_verify_form"),
    path("verify/<str:code>/", certificates.certificate_verify, name="certificate_verify"),
    path("manage/assignments/", manage.assignment_list, name="assignment_list"),
    path("manage/assignments/<int:pk>/delete/", manage.assignment_delete, name="assignment_delete"),
    path("manage/progress/", manage.unit_progress, name="unit_progress"),
    path("manage/progress.xlsx", manage.unit_progress_xlsx, name="unit_progress_xlsx"),
    path("manage/rates/", manage.completion_rates, name="completion_rates"),
    path("manage/lessons/<int:pk>/preview/", manage.lesson_preview, name="lesson_preview"),
]
