from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core import views as core_views
from apps.core.api import problems
from apps.health import views as health_views
from apps.live import views as live_views

urlpatterns = [
    path("", live_views.overview, name="home"),
    path("manifest.webmanifest", core_views.web_manifest, name="web-manifest"),
    # The browser's catalogue of our JS strings in the active language (gettext() in static/js);
    # public like the login page it serves, and the same for everyone who reads that language.
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("accounts/", include("apps.accounts.urls")),
    path("live/", include("apps.live.urls")),
    path("health/", include("apps.health.urls")),
    path("settings/escalation/", include("apps.escalation.urls")),
    path("settings/tokens/", include("apps.accounts.token_urls")),
    path("settings/integrations/", include("apps.integrations.urls")),
    path("settings/advisor/", include("apps.advisor.settings_urls")),
    path("settings/", include("apps.connect.urls")),
    path("readyz", health_views.readyz, name="readyz"),
    path("metrics", health_views.metrics, name="metrics"),
    path("wall/", include("apps.wall.urls")),
    path("exceptions/", include("apps.cases.urls")),
    path("approvals/", include("apps.approvals.urls")),
    path("docks/", include("apps.docks.urls")),
    path("kpis/", include("apps.kpis.urls")),
    path("advisor/", include("apps.advisor.urls")),
    path("advisor/", include("apps.advisor.text_urls")),  # message triage, shift summaries
    path("api/v1/", include("apps.mirror.api.urls")),
    path("api/v1/", include("apps.writeback.api.urls")),
    path("api/v1/", include("apps.cases.api.urls")),
    path("api/v1/", include("apps.approvals.api.urls")),
    path("api/v1/", include("apps.kpis.api.urls")),
    path("api/v1/", include("apps.escalation.api.urls")),
    path("api/v1/", include("apps.docks.api.urls")),
    path("api/v1/", include("apps.accounts.api.urls")),
    path("api/v1/", include("apps.integrations.api.urls")),
    path("api/v1/", include("apps.advisor.api.urls")),
    path("api/v1/", include("apps.advisor.api.text_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# /api/ paths answer Django's own errors (unknown URL, crash outside a view) as problems too.
handler400 = problems.handler400
handler403 = problems.handler403
handler404 = problems.handler404
handler500 = problems.handler500
