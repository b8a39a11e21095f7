from django.urls import path

from compliance.officer import access_views, find_views, list_views, order_views, request_views, retention_views
from compliance.officer import views as officer_views

app_name = "officer"

urlpatterns = [
    path("", officer_views.dashboard_view, name="dashboard"),
    path("login/", officer_views.OfficerLoginView.as_view(), name="login"),
    path("logout/", officer_views.OfficerLogoutView.as_view(), name="logout"),
    path("orders/", list_views.orders, name="orders"),
    path("erasure-requests/", list_views.erasure_requests, name="erasure-requests"),
    path("holds/", list_views.holds, name="holds"),
    path("certificates/", list_views.certificates, name="certificates"),
    path("webhook-deliveries/", list_views.webhook_deliveries, name="webhook-deliveries"),
    path("orders/new/", order_views.order_new, name="order-new"),
    path("orders/<uuid:order_id>/", order_views.order_detail, name="order"),
    path("orders/<uuid:order_id>/evidence.zip", order_views.order_evidence, name="order-evidence"),
    path("orders/<uuid:order_id>/exceptions/", order_views.order_exception, name="order-exception"),
    path("holds/new/", officer_views.hold_new, name="hold-new"),
    path("holds/<uuid:hold_id>/release/", officer_views.hold_release, name="hold-release"),
    path("erasure-requests/<uuid:request_id>/", officer_views.erasure_request_detail, name="erasure-request"),
    path(
        "erasure-requests/<uuid:request_id>/confirm/",
        officer_views.erasure_request_confirm,
        name="erasure-request-confirm",
    ),
    path("erasure-requests/new/", request_views.erasure_request_new, name="erasure-request-new"),
    path(
        "erasure-requests/<uuid:request_id>/extend/",
        request_views.erasure_request_extend,
        name="erasure-request-extend",
    ),
    path(
        "erasure-requests/<uuid:request_id>/pause/", request_views.erasure_request_pause, name="erasure-request-pause"
    ),
    path(
        "erasure-requests/<uuid:request_id>/resume/",
        request_views.erasure_request_resume,
        name="erasure-request-resume",
    ),
    path(
        "erasure-requests/<uuid:request_id>/refuse/",
        request_views.erasure_request_refuse,
        name="erasure-request-refuse",
    ),
    path("access-requests/", access_views.access_request_list, name="access-requests"),
    path("access-requests/new/", access_views.access_request_new, name="access-request-new"),
    path("access-requests/<uuid:request_id>/", access_views.access_request_detail, name="access-request"),
    path(
        "access-requests/<uuid:request_id>/confirm/",
        access_views.access_request_confirm,
        name="access-request-confirm",
    ),
    path("access-requests/<uuid:request_id>/extend/", access_views.access_request_extend, name="access-request-extend"),
    path("certificates/<uuid:certificate_id>/", officer_views.certificate_detail, name="certificate"),
    path("certificates/<uuid:certificate_id>.json", officer_views.certificate_download, name="certificate-json"),
    path("retention-rules/", retention_views.retention_rules, name="retention-rules"),
    path(
        "retention-rules/<int:rule_id>/deactivate/",
        retention_views.retention_rule_deactivate,
        name="retention-rule-deactivate",
    ),
    path("search/", find_views.search_view, name="search"),
    path("subjects/<uuid:subject_id>/", find_views.subject_history_view, name="subject"),
    path(
        "subjects/<uuid:subject_id>/history.<str:fmt>",
        find_views.subject_history_export,
        name="subject-history-export",
    ),
    path("audit/", officer_views.audit_log, name="audit"),
    path("audit/verify/", officer_views.audit_verify_now, name="audit-verify"),
]
