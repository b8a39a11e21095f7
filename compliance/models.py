import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models

from matching.models import JobStatus


class ErasureStatus(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting_verification", "Awaiting the requester's confirmation"
    AWAITING_OFFICER = "awaiting_officer", "Awaiting an officer"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    BLOCKED_BY_HOLD = "blocked_by_hold", "Blocked by legal hold"
    OVERDUE = "overdue", "Overdue"


# A request nobody confirmed is not an obligation yet; every other one not done is.
OPEN_REQUEST_STATUSES = (ErasureStatus.AWAITING_OFFICER, ErasureStatus.RUNNING, ErasureStatus.BLOCKED_BY_HOLD)


class ErasureRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(blank=True)  # cleared when the request is done
    jurisdiction = models.ForeignKey("consent.Jurisdiction", on_delete=models.PROTECT)
    tenant = models.ForeignKey("consent.Tenant", null=True, blank=True, on_delete=models.PROTECT)
    external_ref = models.CharField(max_length=200, blank=True)
    subject = models.ForeignKey("consent.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A request by selfie: the photo's bytes live here only until the lookup has run (then NULL; the hash stays).
    selfie = models.BinaryField(null=True)
    selfie_sha256 = models.CharField(max_length=64, blank=True)
    lookup_status = models.CharField(max_length=16, choices=JobStatus.choices, blank=True)  # blank: no selfie
    lookup_error = models.CharField(max_length=64, blank=True)
    lookup_finished_at = models.DateTimeField(null=True, blank=True)
    candidates = ArrayField(models.UUIDField(), default=list, blank=True)
    status = models.CharField(max_length=32, choices=ErasureStatus.choices, default=ErasureStatus.AWAITING_VERIFICATION)
    source = models.CharField(max_length=16, default="portal")  # portal, api, client
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    subjects_erased = models.PositiveIntegerField(default=0)
    held_subjects = ArrayField(models.UUIDField(), default=list, blank=True)
    certificate = models.ForeignKey(
        "DeletionCertificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reminders_sent = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)


class DeletionCertificate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cause = models.CharField(max_length=32)  # order, erasure_request, client_request, retention, withdrawal
    cause_id = models.CharField(max_length=64, blank=True)
    scope = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    subjects = ArrayField(models.UUIDField(), default=list)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    audit_seq_from = models.BigIntegerField()
    audit_seq_to = models.BigIntegerField()
    vacuumed_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    # Added once the sequencer has integrated the certificate's audit events (certificate_seal): the signed tree
    # head and the inclusion proof of each event, checkable offline (docs/audit.md). Not covered by sha256.
    transparency = models.JSONField(null=True, blank=True)
