from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views, views_assist, views_requests, views_staff

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns += [
    path("register/", views.register, name="register"),
    path("me/", views.my_data, name="my_data"),
    path("me/edit/", views.my_data_edit, name="my_data_edit"),
    path("me/download/", views.my_data_download, name="my_data_download"),
    path("me/delete/", views.my_data_delete, name="my_data_delete"),
    path("me/request/", views_requests.my_data_request, name="my_data_request"),
    path("requests/", views_requests.data_request_queue, name="data_request_queue"),
    path("requests/<int:pk>/", views_requests.data_request_detail, name="data_request_detail"),
    path("staff/import/", views_staff.staff_import_view, name="staff_import"),
    path("staff/import/template.xlsx", views_staff.staff_import_template, name="staff_import_template"),
    path("unit/", views.unit_members, name="unit_members"),
    # Acting for a person in person (village officers, organisers); the public reset-code page.
    path("assist/", views_assist.assist_people, name="assist_people"),
    path("assist/register/", views_assist.assist_register, name="assist_register"),
    path("assist/people/<int:pk>/reset-code/", views_assist.reset_code_issue, name="reset_code_issue"),
    path("password/code/", views_assist.reset_code_redeem, name="reset_code_redeem"),
]
