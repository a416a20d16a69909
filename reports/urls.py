from django.urls import path

from reports.views import audit

app_name = "reports"

urlpatterns = [
    path("audit/", audit.audit_list, name="audit_list"),
]
