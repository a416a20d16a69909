from django.urls import path

from training.views import authoring, certificates, learner, manage

app_name = "training"

urlpatterns = [
    path("", learner.module_list, name="module_list"),
    path("continue/", learner.continue_learning, name="continue"),
    path("modules/<slug:slug>/", learner.module_detail, name="module_detail"),
    path("modules/<slug:module_slug>/<slug:lesson_slug>/", learner.lesson_detail, name="lesson_detail"),
    path("modules/<slug:module_slug>/<slug:lesson_slug>/read/", learner.lesson_mark_read, name="lesson_mark_read"),
    path("modules/<slug:module_slug>/<slug:lesson_slug>/attachment.pdf", learner.lesson_attachment,
         name="lesson_attachment"),
    path("modules/<slug:module_slug>/<slug:lesson_slug>/images/<int:pk>/", learner.lesson_image, name="lesson_image"),
    path("certificates/<str:code>.pdf", certificates.certificate_download, name="certificate_download"),
    path("verify/", certificates.certificate_verify_form, name="certificate_verify_form"),
    path("verify/<str:code>/", certificates.certificate_verify, name="certificate_verify"),
    path("manage/assignments/", manage.assignment_list, name="assignment_list"),
    path("manage/assignments/<int:pk>/delete/", manage.assignment_delete, name="assignment_delete"),
    path("manage/progress/", manage.unit_progress, name="unit_progress"),
    path("manage/progress.xlsx", manage.unit_progress_xlsx, name="unit_progress_xlsx"),
    path("manage/rates/", manage.completion_rates, name="completion_rates"),
    path("manage/lessons/<int:pk>/preview/", manage.lesson_preview, name="lesson_preview"),
    # Authoring (organisers): modules, lessons, images, the module quiz, publishing.
    path("manage/modules/", authoring.module_list, name="author_module_list"),
    path("manage/modules/new/", authoring.module_create, name="author_module_create"),
    path("manage/modules/<int:pk>/", authoring.module_edit, name="author_module"),
    path("manage/modules/<int:pk>/publish/", authoring.module_publish, name="author_module_publish"),
    path("manage/modules/<int:pk>/unpublish/", authoring.module_unpublish, name="author_module_unpublish"),
    path("manage/modules/<int:pk>/quiz/", authoring.module_quiz, name="author_module_quiz"),
    path("manage/modules/<int:pk>/lessons/new/", authoring.lesson_create, name="author_lesson_create"),
    path("manage/lessons/<int:pk>/", authoring.lesson_edit, name="author_lesson"),
    path("manage/lessons/<int:pk>/move/", authoring.lesson_move, name="author_lesson_move"),
    path("manage/lessons/<int:pk>/delete/", authoring.lesson_delete, name="author_lesson_delete"),
    path("manage/lessons/<int:pk>/images/", authoring.lesson_image_add, name="author_image_add"),
    path("manage/images/<int:pk>/", authoring.lesson_image_preview, name="author_image"),
    path("manage/images/<int:pk>/delete/", authoring.lesson_image_delete, name="author_image_delete"),
    path("manage/preview/", authoring.markdown_preview, name="author_preview"),
]
