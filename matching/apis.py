"""Client-app API of matching (Authorization: Api-Key): enrol faces, ask for matches. Tenant-scoped throughout."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from consent.client_api import ClientApi, request_actor
from consent.models import Purpose
from core.api import page_of, paginated
from core.parsers import MultiPartParser
from matching import admission, decision, selectors
from matching.images import upload_bytes
from matching.models import FINISHED, FaceTemplate
from matching.services import enrolments, matches, verifications


def _answer(request, job, output_serializer, *, wait: float) -> Response:
    """200 with the outcome when the job ends within `wait` seconds, else 202 with its id."""
    job = selectors.job_wait(job=job, seconds=wait)  # woken by the worker's NOTIFY, no polling
    if job.status in FINISHED:
        return Response(output_serializer(job, context={"request": request}).data, status=status.HTTP_200_OK)
    return Response(QueuedSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ClientUploadApi(ClientApi):
    parser_classes = [MultiPartParser]


def _admitted_image(request, upload) -> bytes:
    """The upload's bytes, once its decoding fits the tenant's budget (matching/admission.py; else 429)."""
    image = upload_bytes(upload)
    admission.decode_admit(tenant=request.auth.tenant, image=image)
    return image


def _error(job) -> dict | None:
    return {"code": job.error_code, "message": job.error_message} if job.error_code else None


class QueuedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()


class EnrollmentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    subject_id = serializers.UUIDField()
    status = serializers.CharField()
    template_id = serializers.SerializerMethodField()
    quality = serializers.DictField(
        allow_null=True,
        help_text="the measures (inter_eye_px, sharpness, yaw, roll_degrees, brightness, contrast, detector_score, "
        "...), reasons (face_too_small, extreme_pose, low_detector_confidence: a refused enrolment fails with "
        "poor_quality) and warnings (blurred, underexposed, overexposed, low_contrast, turned, tilted, "
        "weak_detection: enrolled all the same, a better photo may help).",
    )
    photos_per_person = serializers.SerializerMethodField(
        help_text="How 1:N misses fall with the photos enrolled per person, at the default rule (docs/accuracy.md)."
    )
    possible_duplicates = serializers.ListField(
        child=serializers.DictField(),
        help_text="fraud_prevention: other subjects of the tenant whose faces this face matches under the strict "
        "duplicate threshold, among those whose consents cover fraud_prevention; empty for a key without "
        "fraud_prevention",
    )
    error = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_photos_per_person(self, enrollment) -> dict:
        return {"fnir": dict(decision.FNIR_BY_PHOTOS), "advice": decision.PHOTOS_ADVICE}

    def get_template_id(self, enrollment) -> str | None:
        if hasattr(enrollment, "template_pk"):  # read with its list (selectors.subject_enrollments)
            template_id = enrollment.template_pk
        else:
            template_id = FaceTemplate.objects.filter(enrollment=enrollment).values_list("id", flat=True).first()
        return str(template_id) if template_id else None

    def get_error(self, enrollment) -> dict | None:
        return _error(enrollment)

    def to_representation(self, enrollment):
        data = super().to_representation(enrollment)
        # The duplicates are fraud_prevention's findings: only a key that holds it reads them (consent.purposes).
        if Purpose.FRAUD_PREVENTION not in self.context["request"].auth.purposes:
            data["possible_duplicates"] = []
        return data


class MatchResultSerializer(serializers.Serializer):
    subject_id = serializers.UUIDField()
    external_ref = serializers.CharField(allow_null=True)
    distance = serializers.FloatField()
    score = serializers.FloatField()
    # Absent in results written before they existed.
    ratio = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="distance ÷ the mean distance of the next people after those named (the decision rule's "
        "cohort, matching/decision.py); null when the search found nobody after them (the distance alone decided).",
    )
    templates_compared = serializers.IntegerField(required=False)
    fpir_at_score = serializers.FloatField(
        required=False,
        help_text="Chance that a person never enrolled is named at this ratio, measured on the calibration open set "
        "(docs/accuracy.md); with no ratio, modelled from the distance and this tenant's gallery size.",
    )


class MatchJobOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    purpose = serializers.CharField()
    top_k = serializers.IntegerField()
    threshold = serializers.FloatField()
    ratio_max = serializers.FloatField()
    faces_detected = serializers.IntegerField(allow_null=True)
    face_box = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    results = MatchResultSerializer(many=True)
    review = serializers.BooleanField()
    review_candidates = MatchResultSerializer(
        many=True,
        help_text="With review=true: people the decision did not name whose ratio is within the review band "
        "(FPIR 10 % on the calibration open set), for an analyst to judge; never a match.",
    )
    error = serializers.SerializerMethodField()
    timings = serializers.DictField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_error(self, job) -> dict | None:
        return _error(job)


class SubjectFaceCreateApi(ClientUploadApi):
    @extend_schema_serializer(component_name="EnrollmentCreateInput")
    class InputSerializer(serializers.Serializer):
        image = serializers.FileField()
        largest_face = serializers.BooleanField(default=False)
        wait = serializers.FloatField(min_value=0.0, max_value=30.0, default=0.0)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={200: EnrollmentOutputSerializer, 202: QueuedSerializer},
        description="202 with the enrolment's id; with `wait` seconds, 200 with the outcome if it ends by then.",
    )
    def post(self, request, subject_id):
        subject = selectors.subject_get(tenant=request.auth.tenant, subject_id=subject_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = enrolments.enrollment_create(
            subject=subject,
            api_key=request.auth,
            image=_admitted_image(request, data.validated_data["image"]),
            largest_face=data.validated_data["largest_face"],
            actor=request_actor(request),
        )
        return _answer(request, enrollment, EnrollmentOutputSerializer, wait=data.validated_data["wait"])


class SubjectEnrollmentListApi(ClientApi):
    @extend_schema(responses=page_of(EnrollmentOutputSerializer, "EnrollmentPage"))
    def get(self, request, subject_id):
        subject = selectors.subject_get(tenant=request.auth.tenant, subject_id=subject_id)
        enrollments = selectors.subject_enrollments(subject=subject)
        return paginated(request, self, enrollments, EnrollmentOutputSerializer)


class EnrollmentDetailApi(ClientApi):
    @extend_schema(responses=EnrollmentOutputSerializer)
    def get(self, request, enrollment_id):
        enrollment = selectors.enrollment_get(tenant=request.auth.tenant, enrollment_id=enrollment_id)
        return Response(EnrollmentOutputSerializer(enrollment, context={"request": request}).data)


class MatchCreateApi(ClientUploadApi):
    @extend_schema_serializer(component_name="MatchCreateInput")
    class InputSerializer(serializers.Serializer):
        image = serializers.FileField()
        purpose = serializers.ChoiceField(choices=Purpose.choices)
        top_k = serializers.IntegerField(min_value=1, max_value=50, default=5)
        threshold = serializers.FloatField(min_value=0.0, max_value=2.0, required=False, allow_null=True, default=None)
        wait = serializers.FloatField(min_value=0.0, max_value=30.0, default=0.0)
        review = serializers.BooleanField(
            default=False,
            help_text="Also return, as review_candidates, the people just outside the decision down to FPIR 10 % "
            "(never matches; audited).",
        )

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={200: MatchJobOutputSerializer, 202: QueuedSerializer},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = data.validated_data
        job = matches.match_job_create(
            tenant=request.auth.tenant,
            api_key=request.auth,
            purpose=args["purpose"],
            image=_admitted_image(request, args["image"]),
            top_k=args["top_k"],
            threshold=args["threshold"],
            review=args["review"],
            actor=request_actor(request),
        )
        return _answer(request, job, MatchJobOutputSerializer, wait=args["wait"])


class MatchDetailApi(ClientApi):
    @extend_schema(responses=MatchJobOutputSerializer)
    def get(self, request, job_id):
        job = selectors.match_job_get(tenant=request.auth.tenant, job_id=job_id, purposes=request.auth.purposes)
        return Response(MatchJobOutputSerializer(job).data)


class VerificationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    subject_id = serializers.UUIDField()
    status = serializers.CharField()
    match = serializers.BooleanField(allow_null=True)
    distance = serializers.FloatField(allow_null=True)
    threshold = serializers.FloatField()
    templates_compared = serializers.IntegerField(allow_null=True)
    faces_detected = serializers.IntegerField(allow_null=True)
    face_box = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    error = serializers.SerializerMethodField()
    timings = serializers.DictField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()

    def get_error(self, verification) -> dict | None:
        return _error(verification)


class SubjectVerifyApi(ClientUploadApi):
    @extend_schema_serializer(component_name="VerificationCreateInput")
    class InputSerializer(serializers.Serializer):
        image = serializers.FileField()
        wait = serializers.FloatField(min_value=0.0, max_value=30.0, default=0.0)
        threshold = serializers.FloatField(
            min_value=0.0,
            max_value=2.0,
            required=False,
            allow_null=True,
            default=None,
            help_text="A stricter cosine distance than VERIFY_THRESHOLD (FMR 1 %) for a high-value check: "
            "0.070 for FMR 0.1 %, 0.057 for 0.01 % (docs/accuracy.md).",
        )

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={200: VerificationOutputSerializer, 202: QueuedSerializer},
    )
    def post(self, request, subject_id):
        subject = selectors.subject_get(tenant=request.auth.tenant, subject_id=subject_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verification = verifications.verification_create(
            subject=subject,
            api_key=request.auth,
            image=_admitted_image(request, data.validated_data["image"]),
            actor=request_actor(request),
            threshold=data.validated_data["threshold"],
        )
        return _answer(request, verification, VerificationOutputSerializer, wait=data.validated_data["wait"])


class VerificationDetailApi(ClientApi):
    @extend_schema(responses=VerificationOutputSerializer)
    def get(self, request, verification_id):
        verification = selectors.verification_get(
            tenant=request.auth.tenant, verification_id=verification_id, purposes=request.auth.purposes
        )
        return Response(VerificationOutputSerializer(verification).data)
