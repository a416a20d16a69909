from django.urls import path

from contests import flag_views, manage_views, views, views_assist

app_name = "contests"

urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("manage/", manage_views.contest_list, name="manage_list"),
    path("manage/new/", manage_views.contest_create, name="manage_create"),
    path("manage/<slug:slug>/", manage_views.contest_manage, name="manage_contest"),
    path("manage/<slug:slug>/settings/", manage_views.contest_edit, name="manage_edit"),
    path("manage/<slug:slug>/publish/", manage_views.contest_publish_toggle, name="manage_publish"),
    path("manage/<slug:slug>/prizes/", manage_views.contest_prizes, name="manage_prizes"),
    path("manage/<slug:slug>/rounds/new/", manage_views.contest_rounds_generate, name="manage_rounds_generate"),
    path("manage/<slug:slug>/rounds/<int:number>/", manage_views.round_edit, name="manage_round"),
    path("flags/", flag_views.flag_queue, name="flag_queue"),
    path("flags/<int:pk>/", flag_views.flag_detail, name="flag_detail"),
    path("rounds/<int:pk>/flags/compute/", flag_views.flags_compute, name="flags_compute"),
    path("attempts/<int:pk>/submit/", views.round_submit, name="round_submit"),
    path("attempts/<int:pk>/result/", views.round_result, name="round_result"),
    path("assist/end/", views_assist.assist_stop, name="assist_end"),
    path("<slug:slug>/", views.contest_detail, name="contest_detail"),
    path("<slug:slug>/poster.pdf", views.contest_poster, name="poster"),
    path("<slug:slug>/share.png", views.contest_share_image, name="share_image"),
    path("<slug:slug>/mine/", views.my_attempts, name="my_attempts"),
    path("<slug:slug>/leaderboard/", views.overall_leaderboard, name="overall_leaderboard"),
    path("<slug:slug>/rounds/<int:number>/start/", views.round_start, name="round_start"),
    path("<slug:slug>/rounds/<int:number>/assist/", views_assist.round_assist, name="round_assist"),
    path("<slug:slug>/rounds/<int:number>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("<slug:slug>/rounds/<int:number>/units/", views.unit_leaderboard, name="unit_leaderboard"),
    path("<slug:slug>/rounds/<int:number>/why/", views.why_ranked, name="why_ranked"),
    path("<slug:slug>/rounds/<int:number>/winners/", views.winners, name="winners"),
    path("<slug:slug>/rounds/<int:number>/snapshot.csv", views.snapshot, name="snapshot"),
    path("<slug:slug>/rounds/<int:number>/participation/", views.participation, name="participation"),
    path("<slug:slug>/rounds/<int:number>/close/", views.close_round, name="close_round"),
    path("<slug:slug>/rounds/<int:number>/close/progress/", views.closing_progress, name="closing_progress"),
]
