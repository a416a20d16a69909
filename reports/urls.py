from django.urls import path

from reports.views import audit, dashboard, exports

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("weak-topics/", dashboard.weak_topics, name="weak_topics"),
    path("units/<int:pk>/", dashboard.unit_detail, name="unit_detail"),
    path("units/<int:pk>/pending/", exports.unit_pending, name="unit_pending"),
    path("export/units/", exports.unit_statistics, name="export_units"),
    path("export/training/", exports.training_completion, name="export_training"),
    path("export/rounds/<int:pk>/results/", exports.round_results, name="export_round_results"),
    path("export/rounds/<int:pk>/winners/", exports.round_winners, name="export_round_winners"),
    path("report.docx", exports.periodic_report, name="periodic_report"),
    path("audit/", audit.audit_list, name="audit_list"),
]
