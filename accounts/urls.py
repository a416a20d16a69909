from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views, views_staff

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
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
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

# Built in the registration and staff-import work; placeholders keep the navigation resolvable.
from django.http import Http404  # noqa: E402


def _not_yet(request, *args, **kwargs):
    raise Http404


urlpatterns += [
    path("register/", _not_yet, name="register"),
    path("me/", _not_yet, name="my_data"),
    path("staff/import/", views_staff.staff_import_view, name="staff_import"),
    path("staff/import/template.xlsx", views_staff.staff_import_template, name="staff_import_template"),
    path("unit/", _not_yet, name="unit_members"),
]
