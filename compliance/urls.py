from django.urls import path

from compliance.apis import (
    audit,
    certificates,
    clocks,
    erasure_requests,
    holds,
    objections,
    orders,
    retention_rules,
    webhooks,
)

urlpatterns = [
    # The client app's subject resource: consent's GET with compliance's DELETE (an erasure request).
    path("subjects/<str:subject_id>", erasure_requests.SubjectDetailApi.as_view(), name="subject-detail"),
    path("orders", orders.OrderListCreateApi.as_view(), name="orders"),
    path("orders/<uuid:order_id>", orders.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<uuid:order_id>/lift", orders.OrderLiftApi.as_view(), name="order-lift"),
    path("orders/<uuid:order_id>/evidence", orders.OrderEvidenceApi.as_view(), name="order-evidence"),
    path("retention-rules", retention_rules.RetentionRuleListCreateApi.as_view(), name="retention-rules"),
    path("orders/<uuid:order_id>/exceptions", orders.OrderExceptionCreateApi.as_view(), name="order-exceptions"),
    path("legal-holds", holds.LegalHoldListCreateApi.as_view(), name="legal-holds"),
    path("legal-holds/<uuid:hold_id>/release", holds.LegalHoldReleaseApi.as_view(), name="legal-hold-release"),
    path("erasure-requests", erasure_requests.ErasureRequestListCreateApi.as_view(), name="erasure-requests"),
    path(
        "erasure-requests/<uuid:request_id>",
        erasure_requests.ErasureRequestDetailApi.as_view(),
        name="erasure-request-detail",
    ),
    path(
        "erasure-requests/<uuid:request_id>/confirm",
        erasure_requests.ErasureRequestConfirmApi.as_view(),
        name="erasure-request-confirm",
    ),
    path("audit", audit.AuditListApi.as_view(), name="audit"),
    path("audit/head", audit.AuditHeadApi.as_view(), name="audit-head"),
    path("audit/events/<int:index>", audit.AuditEventApi.as_view(), name="audit-event"),
    path("audit/proof", audit.AuditProofApi.as_view(), name="audit-proof"),
    path("audit/consistency", audit.AuditConsistencyApi.as_view(), name="audit-consistency"),
    path("audit/verify", audit.AuditVerifyApi.as_view(), name="audit-verify"),
    path("erasure-requests/<uuid:request_id>/extend", clocks.ErasureRequestExtendApi.as_view()),
    path("erasure-requests/<uuid:request_id>/pause", clocks.ErasureRequestPauseApi.as_view()),
    path("erasure-requests/<uuid:request_id>/resume", clocks.ErasureRequestResumeApi.as_view()),
    path("erasure-requests/<uuid:request_id>/refuse", clocks.ErasureRequestRefuseApi.as_view()),
    path("erasure-requests/<uuid:request_id>/objections", objections.ErasureRequestObjectionApi.as_view()),
    path("webhooks", webhooks.WebhookListCreateApi.as_view(), name="webhooks"),
    path("webhooks/<uuid:webhook_id>", webhooks.WebhookDetailApi.as_view(), name="webhook-detail"),
    path("webhooks/<uuid:webhook_id>/deliveries", webhooks.WebhookDeliveryListApi.as_view()),
    path("certificates/<uuid:certificate_id>", certificates.CertificateDetailApi.as_view(), name="certificate-detail"),
]
