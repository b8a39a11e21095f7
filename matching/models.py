import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from pgvector.django import VectorField

from consent.models import Purpose

EMBEDDING_DIMENSIONS = 128  # the Dlib model; another model with other dimensions needs its own column


class JobStatus(models.TextChoices):
    # Translated: the portal shows a selfie search's status in the requester's language.
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED = (JobStatus.DONE, JobStatus.FAILED)
WAITING = (JobStatus.QUEUED, JobStatus.RUNNING)  # a running job may wait too: its worker may have died
# PostgreSQL NOTIFY channel: a match job's id, sent when it ends (at commit), wakes the API request waiting for it.
JOB_DONE_CHANNEL = "matching_job_done"


class FaceTemplate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("consent.Tenant", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("consent.Subject", on_delete=models.CASCADE, related_name="templates")
    enrollment = models.OneToOneField("Enrollment", null=True, on_delete=models.SET_NULL, related_name="template")
    model_name = models.CharField(max_length=32)
    detector = models.CharField(max_length=32)
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS)
    quality = models.FloatField(default=0.0)
    quality_measures = models.JSONField(default=dict)  # matching.quality.measure at enrolment
    source_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_matched_at = models.DateTimeField(null=True, blank=True)

    # Partitioned by tenant (migration 0003): the primary key is (tenant_id, id) in the database, and each large
    # tenant's partition has its own HNSW index (matching.partitions).
    class Meta:
        indexes = [models.Index(fields=["tenant", "model_name"])]


def _waiting_index(name: str) -> models.Index:
    """The relay's and the dispatcher's reads: the few jobs still waiting among every job kept."""
    return models.Index(fields=["created_at"], name=name, condition=models.Q(status__in=WAITING))


class Enrollment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("consent.Tenant", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("consent.Subject", on_delete=models.CASCADE, related_name="enrollments")
    api_key = models.ForeignKey("consent.ApiKey", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    image = models.BinaryField(null=True)  # kept only until the job ends
    image_sha256 = models.CharField(max_length=64)
    largest_face = models.BooleanField(default=False)
    quality = models.JSONField(null=True)  # the face's quality measures and the reasons it was refused, if any
    possible_duplicates = models.JSONField(default=list)  # fraud_prevention: other subjects with this face
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (services.jobs.running_mark)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The pixels the worker will inflate (images.decode_pixels): what makes a job heavy (services/dispatch.py).
    decode_pixels = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [_waiting_index("matching_enrollment_waiting")]


class MatchJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(
        "consent.Tenant", null=True, on_delete=models.PROTECT, related_name="+"
    )  # null: platform lookup
    api_key = models.ForeignKey("consent.ApiKey", null=True, on_delete=models.SET_NULL, related_name="+")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    model_name = models.CharField(max_length=32)
    top_k = models.PositiveSmallIntegerField(default=5)
    threshold = models.FloatField()
    # The decision rule's runner-up ratio (matching/decision.py); 1.0 is the distance alone (jobs queued before).
    ratio_max = models.FloatField(default=1.0)
    probe = models.BinaryField(null=True)  # kept only until the job ends
    probe_sha256 = models.CharField(max_length=64)
    faces_detected = models.PositiveSmallIntegerField(null=True)
    face_box = models.JSONField(null=True)  # [x, y, w, h] of the face searched (the largest)
    results = models.JSONField(default=list)
    # Asked for the review band (matching/decision.py): people just outside the decision, never matches.
    review = models.BooleanField(default=False)
    review_candidates = models.JSONField(default=list)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    timings = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (services.jobs.running_mark)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The pixels the worker will inflate (images.decode_pixels): what makes a job heavy (services/dispatch.py).
    decode_pixels = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [_waiting_index("matching_matchjob_waiting")]


class Verification(models.Model):
    """A 1:1 comparison of a probe with one subject's own templates (purpose identity_verification)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("consent.Tenant", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("consent.Subject", on_delete=models.CASCADE, related_name="verifications")
    api_key = models.ForeignKey("consent.ApiKey", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    model_name = models.CharField(max_length=32)
    threshold = models.FloatField()
    probe = models.BinaryField(null=True)  # kept only until the job ends
    probe_sha256 = models.CharField(max_length=64)
    faces_detected = models.PositiveSmallIntegerField(null=True)
    face_box = models.JSONField(null=True)  # [x, y, w, h] of the face compared (the largest)
    match = models.BooleanField(null=True)
    distance = models.FloatField(null=True)  # to the nearest of the subject's eligible templates
    templates_compared = models.PositiveSmallIntegerField(null=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    timings = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (services.jobs.running_mark)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The pixels the worker will inflate (images.decode_pixels): what makes a job heavy (services/dispatch.py).
    decode_pixels = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [_waiting_index("matching_verification_waiting")]


class TenantTurn(models.Model):
    """When a tenant's job last got a worker: the dispatcher serves the tenant waiting longest first, and locks
    this row (one per tenant, never a global one) while it counts the tenant's heavy jobs (services/dispatch.py)."""

    tenant = models.OneToOneField("consent.Tenant", primary_key=True, on_delete=models.CASCADE, related_name="+")
    last_started_at = models.DateTimeField(null=True)
