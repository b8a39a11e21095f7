from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from compliance.officer import views as officer_views
from compliance.portal.urls import access_urlpatterns, consent_urlpatterns, erasure_urlpatterns
from core.health import healthz
from core.keys import jwks_view
from core.metrics import metrics_view

urlpatterns = [
    path("", officer_views.index, name="index"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path(".well-known/jwks.json", jwks_view, name="jwks"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include("consent.urls")),
    path("api/v1/", include("matching.urls")),
    path("api/v1/", include("compliance.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the portal's language switcher posts here
    path("portal/erasure/", include(erasure_urlpatterns)),
    path("portal/access/", include(access_urlpatterns)),
    path("portal/", include((consent_urlpatterns, "consent-portal"))),
    path("officer/", include("compliance.officer.urls")),
]

handler400 = "core.failures.handler400"
handler403 = "core.failures.handler403"
handler404 = "core.failures.handler404"
handler500 = "core.failures.handler500"
