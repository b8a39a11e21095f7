from django.urls import path
from django.views.generic import TemplateView

from compliance.portal import access, consents, erasure

# The data subject's pages, included under /portal/ by config.urls.
consent_urlpatterns = [
    path("", TemplateView.as_view(template_name="portal/home.html"), name="home"),
    path("c/<str:token>/", consents.consents_view, name="consents"),
    path("c/<str:token>/withdraw/<str:consent_id>/", consents.consent_withdraw_view, name="consent-withdraw"),
    path(
        "c/<str:token>/receipt/<str:consent_id>.<str:form>",
        consents.consent_receipt_view,
        name="consent-receipt",
    ),
    path("notices/<str:notice_id>/", consents.notice_view, name="notice"),
]

erasure_urlpatterns = [
    path("", erasure.erasure_request_view, name="portal-erasure"),
    path("confirm/<str:token>/", erasure.erasure_confirm_view, name="portal-erasure-confirm"),
    path("status/<str:token>/", erasure.erasure_status_view, name="portal-erasure-status"),
]

access_urlpatterns = [
    path("", access.access_request_view, name="portal-access"),
    path("confirm/<str:token>/", access.access_confirm_view, name="portal-access-confirm"),
    path("status/<str:token>/", access.access_status_view, name="portal-access-status"),
    path("report/<str:token>/", access.access_report_view, name="portal-access-report"),
    path("report/<str:token>/page/", access.access_report_page_view, name="portal-access-report-page"),
]
