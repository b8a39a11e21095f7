import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    IDENTITY_VERIFICATION = "identity_verification", "Identity verification (1:1)"
    FRAUD_PREVENTION = "fraud_prevention", "Fraud prevention (1:N)"
    ACCESS_CONTROL = "access_control", "Access control (1:N)"


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Europe/Berlin)") from exc


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
    # One extension the law allows (with notice to the requester before the first deadline); none when both null.
    extension_months = models.PositiveSmallIntegerField(null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Whether the clock stops while the requester's identity is being verified (only where the regulator says so).
    identity_pause_allowed = models.BooleanField(default=False)
    # The IANA zone the law's periods are counted in (its regulator's): a request received on 31 January at 00:30
    # in Berlin is due on 28 February in Berlin, whatever the date in UTC was.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    def __str__(self):
        return self.code


class Tenant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # The controller's privacy contact, as consent receipts name it (Kantara v1.1 piiControllers).
    contact = models.CharField(max_length=200, blank=True, default="")
    address = models.CharField(max_length=500, blank=True, default="")
    email = models.EmailField(max_length=254, blank=True, default="")
    phone = models.CharField(max_length=50, blank=True, default="")
    url = models.URLField(max_length=500, blank=True, default="")

    def __str__(self):
        return self.slug


class ApiKey(models.Model):
    """A client app's credential. Only the SHA-256 of the key is stored; the key is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="api_keys")
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    purposes = ArrayField(models.CharField(max_length=32, choices=Purpose.choices))
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.tenant.slug}:{self.prefix}"

    # DRF's IsAuthenticated asks the authenticated "user" this.
    is_authenticated = True


class Subject(models.Model):
    """A person within a tenant. After erasure only a tombstone stays (no email, no reference)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="subjects")
    # NULL, not "": an erased subject keeps no reference, and NULLs never clash in the unique constraint below.
    external_ref = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(blank=True)
    # core.emails.email_canonical(email), the only form addresses are compared in (never a database case fold).
    email_canonical = models.CharField(max_length=320, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_interaction_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    erasure_cause = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_ref"],
                condition=Q(external_ref__isnull=False),
                name="subject_unique_external_ref_per_tenant",
            ),
            # The target of consent_consent's (tenant_id, subject_id) key: a consent lives in its subject's tenant.
            models.UniqueConstraint(fields=["tenant", "id"], name="subject_unique_tenant_id"),
        ]
        indexes = [
            models.Index(fields=["tenant", "jurisdiction"]),
            models.Index(fields=["email_canonical"], name="subject_email_canonical"),
        ]

    def __str__(self):
        return f"{self.tenant_id}:{self.external_ref or self.id}"


# A century: longer than any retention schedule, and far inside the dates PostgreSQL can compute with.
MAX_RETENTION_DAYS = 36_500
MAX_RETENTION_MONTHS = 1_200


class Notice(models.Model):
    """A published, immutable text a consent points at (a change is a new version)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="notices")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    version = models.CharField(max_length=32)
    text = models.TextField()
    sha256 = models.CharField(max_length=64)
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "purpose", "version"], name="notice_unique_version"),
            # The target of consent_consent's (tenant_id, notice_id) key: a consent cites its own tenant's notice.
            models.UniqueConstraint(fields=["tenant", "id"], name="notice_unique_tenant_id"),
        ]


class ConsentMethod(models.TextChoices):
    # Translated: the subject's consent page shows these in the visitor's language.
    WRITTEN_RELEASE = "written_release", _("Written release")
    ELECTRONIC_SIGNATURE = "electronic_signature", _("Electronic signature")
    EXPLICIT_OPT_IN = "explicit_opt_in", _("Explicit opt-in")


class Consent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The subject's tenant, repeated so every join of the gate carries the tenant (one partition, one shard);
    # the (tenant_id, subject_id) and (tenant_id, notice_id) keys added by migration 0004 hold it equal.
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+", db_index=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="consents")
    notice_sha256 = models.CharField(max_length=64)
    method = models.CharField(max_length=32, choices=ConsentMethod.choices)
    evidence = models.JSONField(default=dict, blank=True)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # When the purpose was met (BIPA/CUBI retention anchor); no use for the purpose after it.
    purpose_ended_at = models.DateTimeField(null=True, blank=True)
    # When the tenant's webhooks for the withdrawal were written; until then the relay asks for them again, so a
    # withdrawal committed just before a crash still reaches the client app.
    withdrawal_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # (tenant, purpose): the search path's count of a tenant's consents for a purpose.
        indexes = [
            models.Index(fields=["subject", "purpose"]),
            models.Index(fields=["tenant", "purpose"]),
            models.Index(
                fields=["withdrawn_at"],
                condition=models.Q(withdrawn_at__isnull=False, withdrawal_notified_at__isnull=True),
                name="consent_withdrawal_unnotified",
            ),
        ]
