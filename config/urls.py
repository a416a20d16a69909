from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import landing, views

# The admin speaks for the commune ("Trang quản trị cho Django" otherwise heads every admin page).
admin.site.site_header = _("Administration of the Đông Trà Bồng commune platform")
admin.site.site_title = _("CCHC administration")
admin.site.index_title = _("Training, contests and accounts")

urlpatterns = [
    # The API first: an answer saved is the most frequent request of all, and Django tries the
    # patterns in order (no page's path starts with api/). Its own parts before the catch-all.
    path("api/training/", include("training.api.urls")),
    path("api/reports/", include("reports.api_urls")),
    path("api/contests/", include("contests.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # After the schema and docs: the API's own catch-all answers any other api/ path with JSON.
    path("api/", include("quizzes.api.urls")),
    path("", views.home, name="home"),
    path("welcome/", landing.after_login, name="after_login"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("contests/", include("contests.urls")),
    path("training/", include("training.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
