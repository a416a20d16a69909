from django.urls import path

from reports import api

app_name = "reports_api"

urlpatterns = [
    path("units/", api.UnitStatisticsApi.as_view(), name="units"),
    path("weak-topics/", api.WeakTopicsApi.as_view(), name="weak_topics"),
    path("trends/", api.TrendsApi.as_view(), name="trends"),
]
