import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models

from consent.models import Purpose


class Jurisdiction(models.Model):
    """A legal regime for face data (seed data, editable by officers)."""

    code = models.CharField(max_length=8, primary_key=True)  # ISO 3166-1, or 3166-2 where the law is sub-national
    name = models.CharField(max_length=100)
    law = models.CharField(max_length=100)
    citation = models.CharField(max_length=200, blank=True)
    written_release_required = models.BooleanField(default=False)
    explicit_consent_required = models.BooleanField(default=True)
    erasure_deadline_months = models.PositiveSmallIntegerField(null=True, blank=True)
    erasure_deadline_days = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self):
        return self.code


class RetentionAnchor(models.TextChoices):
    GRANTED = "granted", "Consent granted"
    LAST_INTERACTION = "last_interaction", "Last interaction"
    PURPOSE_END = "purpose_end", "Purpose met or ended"


class RetentionRule(models.Model):
    """Max age of a face template from an anchor, for a jurisdiction and/or tenant (× purpose)."""

    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.CASCADE)
    tenant = models.ForeignKey("consent.Tenant", null=True, blank=True, on_delete=models.CASCADE)
    purpose = models.CharField(max_length=32, choices=Purpose.choices, blank=True)  # blank: every purpose
    anchor = models.CharField(max_length=32, choices=RetentionAnchor.choices)
    max_age_days = models.PositiveIntegerField()
    citation = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)


class OrderAction(models.TextChoices):
    ERASE = "erase", "Erase"
    SUSPEND_PROCESSING = "suspend_processing", "Suspend processing"
    RESTRICT_COLLECTION = "restrict_collection", "Restrict collection"


class OrderStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    BLOCKED_BY_HOLD = "blocked_by_hold", "Blocked by legal hold"
    OVERDUE = "overdue", "Overdue"


class ScopedModel(models.Model):
    """A scope is the union of the jurisdictions, tenants and subjects it names."""

    scope_jurisdictions = ArrayField(models.CharField(max_length=8), default=list, blank=True)
    scope_tenants = ArrayField(models.UUIDField(), default=list, blank=True)
    scope_subjects = ArrayField(models.UUIDField(), default=list, blank=True)

    class Meta:
        abstract = True


class RegulatorOrder(ScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    regulator = models.CharField(max_length=200)
    reference = models.CharField(max_length=200)
    action = models.CharField(max_length=32, choices=OrderAction.choices)
    status = models.CharField(max_length=32, choices=OrderStatus.choices, default=OrderStatus.RECEIVED)
    received_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    subjects_total = models.PositiveIntegerField(default=0)
    subjects_erased = models.PositiveIntegerField(default=0)
    held_subjects = ArrayField(models.UUIDField(), default=list, blank=True)
    exceptions = models.JSONField(default=list, blank=True)  # [{"subject": id, "reason": ..., "by": ...}]
    certificate = models.ForeignKey("DeletionCertificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminders_sent = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)


class ErasureStatus(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting_verification", "Awaiting the requester's confirmation"
    AWAITING_OFFICER = "awaiting_officer", "Awaiting an officer"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    BLOCKED_BY_HOLD = "blocked_by_hold", "Blocked by legal hold"
    OVERDUE = "overdue", "Overdue"


class ErasureRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(blank=True)  # cleared when the request is done
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT)
    tenant = models.ForeignKey("consent.Tenant", null=True, blank=True, on_delete=models.PROTECT)
    external_ref = models.CharField(max_length=200, blank=True)
    subject = models.ForeignKey("consent.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lookup_job = models.ForeignKey("matching.MatchJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    candidates = ArrayField(models.UUIDField(), default=list, blank=True)
    status = models.CharField(max_length=32, choices=ErasureStatus.choices, default=ErasureStatus.AWAITING_VERIFICATION)
    source = models.CharField(max_length=16, default="portal")  # portal, api, client
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    subjects_erased = models.PositiveIntegerField(default=0)
    held_subjects = ArrayField(models.UUIDField(), default=list, blank=True)
    certificate = models.ForeignKey("DeletionCertificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminders_sent = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)


class LegalHold(ScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150)


class AuditEvent(models.Model):
    """Append-only, hash-chained log. A trigger refuses UPDATE and DELETE. Never biometric data."""

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]


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
