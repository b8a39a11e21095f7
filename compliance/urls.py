from django.urls import path

from compliance import apis, audit_apis, clock_apis, objection_apis, webhook_apis

urlpatterns = [
    # The client app's subject resource: consent's GET with compliance's DELETE (an erasure request).
    path("subjects/<str:subject_id>", apis.SubjectDetailApi.as_view(), name="subject-detail"),
    path("orders", apis.OrderListCreateApi.as_view(), name="orders"),
    path("orders/<uuid:order_id>", apis.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<uuid:order_id>/lift", apis.OrderLiftApi.as_view(), name="order-lift"),
    path("retention-rules", apis.RetentionRuleListCreateApi.as_view(), name="retention-rules"),
    path("orders/<uuid:order_id>/exceptions", apis.OrderExceptionCreateApi.as_view(), name="order-exceptions"),
    path("legal-holds", apis.LegalHoldListCreateApi.as_view(), name="legal-holds"),
    path("legal-holds/<uuid:hold_id>/release", apis.LegalHoldReleaseApi.as_view(), name="legal-hold-release"),
    path("erasure-requests", apis.ErasureRequestListCreateApi.as_view(), name="erasure-requests"),
    path("erasure-requests/<uuid:request_id>", apis.ErasureRequestDetailApi.as_view(), name="erasure-request-detail"),
    path(
        "erasure-requests/<uuid:request_id>/confirm",
        apis.ErasureRequestConfirmApi.as_view(),
        name="erasure-request-confirm",
    ),
    path("audit", audit_apis.AuditListApi.as_view(), name="audit"),
    path("audit/head", audit_apis.AuditHeadApi.as_view(), name="audit-head"),
    path("audit/events/<int:index>", audit_apis.AuditEventApi.as_view(), name="audit-event"),
    path("audit/proof", audit_apis.AuditProofApi.as_view(), name="audit-proof"),
    path("audit/consistency", audit_apis.AuditConsistencyApi.as_view(), name="audit-consistency"),
    path("audit/verify", audit_apis.AuditVerifyApi.as_view(), name="audit-verify"),
    path("erasure-requests/<uuid:request_id>/extend", clock_apis.ErasureRequestExtendApi.as_view()),
    path("erasure-requests/<uuid:request_id>/pause", clock_apis.ErasureRequestPauseApi.as_view()),
    path("erasure-requests/<uuid:request_id>/resume", clock_apis.ErasureRequestResumeApi.as_view()),
    path("erasure-requests/<uuid:request_id>/refuse", clock_apis.ErasureRequestRefuseApi.as_view()),
    path("erasure-requests/<uuid:request_id>/objections", objection_apis.ErasureRequestObjectionApi.as_view()),
    path("webhooks", webhook_apis.WebhookListCreateApi.as_view(), name="webhooks"),
    path("webhooks/<uuid:webhook_id>", webhook_apis.WebhookDetailApi.as_view(), name="webhook-detail"),
    path("webhooks/<uuid:webhook_id>/deliveries", webhook_apis.WebhookDeliveryListApi.as_view()),
    path("certificates/<uuid:certificate_id>", apis.CertificateDetailApi.as_view(), name="certificate-detail"),
]
