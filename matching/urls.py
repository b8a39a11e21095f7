from django.urls import path

from matching import apis

app_name = "matching"

# Paths without a trailing slash, as documented for client apps.
urlpatterns = [
    path("subjects/<str:subject_id>/faces", apis.SubjectFaceCreateApi.as_view(), name="subject-face-create"),
    path(
        "subjects/<str:subject_id>/enrollments", apis.SubjectEnrollmentListApi.as_view(), name="subject-enrollment-list"
    ),
    path("enrollments/<str:enrollment_id>", apis.EnrollmentDetailApi.as_view(), name="enrollment-detail"),
    path("subjects/<str:subject_id>/verify", apis.SubjectVerifyApi.as_view(), name="subject-verify"),
    path("verifications/<str:verification_id>", apis.VerificationDetailApi.as_view(), name="verification-detail"),
    path("matches", apis.MatchCreateApi.as_view(), name="match-create"),
    path("matches/<str:job_id>", apis.MatchDetailApi.as_view(), name="match-detail"),
]
