from django.urls import path

from consent import apis

app_name = "consent"

# Paths without a trailing slash, as documented for client apps.
urlpatterns = [
    path("subjects", apis.SubjectListCreateApi.as_view(), name="subject-list"),
    # subjects/<id> (GET and DELETE) is routed by compliance.urls: DELETE is an erasure request.
    path("subjects/<str:subject_id>/consents", apis.SubjectConsentCreateApi.as_view(), name="subject-consent-create"),
    path("subjects/<str:subject_id>/portal-link", apis.SubjectPortalLinkApi.as_view(), name="subject-portal-link"),
    path("notices", apis.NoticeListCreateApi.as_view(), name="notice-list"),
    path("notices/<str:notice_id>", apis.NoticeDetailApi.as_view(), name="notice-detail"),
    path("consents/<str:consent_id>", apis.ConsentDetailApi.as_view(), name="consent-detail"),
    path("consents/<str:consent_id>/withdraw", apis.ConsentWithdrawApi.as_view(), name="consent-withdraw"),
    path("consents/<str:consent_id>/receipt", apis.ConsentReceiptApi.as_view(), name="consent-receipt"),
    path("consents/<str:consent_id>/receipt.jwt", apis.ConsentReceiptJwtApi.as_view(), name="consent-receipt-jwt"),
    path(
        "consents/<str:consent_id>/receipt.jsonld",
        apis.ConsentReceiptJsonLdApi.as_view(),
        name="consent-receipt-jsonld",
    ),
]
