import uuid
from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from matching.models import JobStatus


class ErasureStatus(models.TextChoices):
    # Translated: the portal's status pages show these (the officer console is always in English).
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting the requester's confirmation")
    AWAITING_OFFICER = "awaiting_officer", _("Awaiting an officer")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    BLOCKED_BY_HOLD = "blocked_by_hold", _("Blocked by legal hold")
    REFUSED = "refused", _("Refused")


# A request nobody confirmed is not an obligation yet; every other one not done or refused is. "Overdue" is no
# status: it is derived from due_at and these states (compliance.selectors.deadlines).
OPEN_REQUEST_STATUSES = (ErasureStatus.AWAITING_OFFICER, ErasureStatus.RUNNING, ErasureStatus.BLOCKED_BY_HOLD)


class ErasureRequest(models.Model):
    audit_kind = "erasure_request"  # the prefix of its audit actions (shared clock services use it)

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
    # Per candidate, what an officer judges it by: {subject id: {"distance", "fpir_at_score"}}.
    candidate_scores = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=32, choices=ErasureStatus.choices, default=ErasureStatus.AWAITING_VERIFICATION)
    source = models.CharField(max_length=16, default="portal")  # portal, api, client
    language = models.CharField(max_length=8, blank=True)  # the portal's, for its mails; blank: English
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
    # The statutory clock (compliance.services.clocks): due_at is recomputed from these on every change.
    paused_at = models.DateTimeField(null=True, blank=True)  # stopped since (identity being verified)
    paused_for = models.DurationField(default=timedelta(0))  # stopped time already over
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    clock = models.JSONField(default=list, blank=True)  # history: [{"at", "event", "due_at", "reason"}]
    refusal_basis = models.TextField(blank=True)
    refused_subjects = ArrayField(models.UUIDField(), default=list, blank=True)
    # A selfie names subjects of tenants: each is told and may object until then (compliance.services.objections).
    objection_until = models.DateTimeField(null=True, blank=True)
    objections = models.JSONField(default=list, blank=True)  # [{"tenant", "subject", "reason", "at"}]
    # Its erasure run, as the relay reads it (compliance.services.relay): asked for when the request became ready,
    # started by a worker (None again once the run has settled); a run started JOB_REAP_AFTER_SECONDS ago is lost.
    run_requested_at = models.DateTimeField(null=True, blank=True)
    run_started_at = models.DateTimeField(null=True, blank=True)

    deadline_state: str  # not a column: set by the officer's dashboard list (compliance.selectors.requests)


class AccessStatus(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting the requester's confirmation")
    AWAITING_OFFICER = "awaiting_officer", _("Awaiting an officer")
    DONE = "done", _("Answered")


class AccessRequest(models.Model):
    """A data subject asks what is held about them (GDPR Art. 15): same law, same clock as an erasure request
    (compliance.services.clocks). Answered once the subjects it covers are fixed; the report is built from them
    whenever the requester downloads it (compliance.services.access_report)."""

    audit_kind = "access_request"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(blank=True)  # cleared once answered
    jurisdiction = models.ForeignKey("consent.Jurisdiction", on_delete=models.PROTECT)
    tenant = models.ForeignKey("consent.Tenant", null=True, blank=True, on_delete=models.PROTECT)
    external_ref = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=32, choices=AccessStatus.choices, default=AccessStatus.AWAITING_VERIFICATION)
    source = models.CharField(max_length=16, default="portal")  # portal, api, officer
    language = models.CharField(max_length=8, blank=True)  # the portal's, for its mails; blank: English
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    subjects = ArrayField(models.UUIDField(), default=list, blank=True)  # fixed when answered
    reminders_sent = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_for = models.DurationField(default=timedelta(0))
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    clock = models.JSONField(default=list, blank=True)

    deadline_state: str  # not a column: set by the officer's list (compliance.officer.access_views)


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


class WebhookEvent(models.TextChoices):
    CONSENT_WITHDRAWN = "consent.withdrawn"
    SUBJECT_ERASED = "subject.erased"
    TEMPLATES_EXPIRED = "templates.expired"
    ORDER_IN_FORCE = "order.in_force"
    ORDER_LIFTED = "order.lifted"
    ERASURE_REQUEST_PENDING_OBJECTION = "erasure_request.pending_objection"
    ERASURE_REQUEST_COMPLETED = "erasure_request.completed"
    # A job ended (done or failed): ids and status only, the client reads the rest from the API.
    ENROLLMENT_FINISHED = "enrollment.finished"
    MATCH_FINISHED = "match.finished"
    VERIFICATION_FINISHED = "verification.finished"


class WebhookEndpoint(models.Model):
    """A tenant's receiver. The secret signs deliveries, so it is kept and shown once; after a rotation the previous
    one signs beside it until `previous_secret_expires_at`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("consent.Tenant", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=500)
    events = ArrayField(models.CharField(max_length=64, choices=WebhookEvent.choices))
    secret = models.CharField(max_length=64)
    previous_secret = models.CharField(max_length=64, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Made before Standard Webhooks: also sent the older `Facegate-Signature` header, until its secret is rotated.
    legacy_signature = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)


class WebhookDelivery(models.Model):
    """One event to one endpoint; `attempts` logs every try: [{"at", "status", "latency_ms", "error"}]."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    type = models.CharField(max_length=64, choices=WebhookEvent.choices)
    body = models.TextField()  # the exact bytes signed and sent: ids only, never personal data
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, default="pending")  # pending, delivered, failed
    attempts = models.JSONField(default=list)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The relay's read (pending deliveries never tried) stays small as the delivery log grows.
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(status="pending"), name="webhook_delivery_pending")
        ]
