"""The rules' own records: retention rules, regulator orders and legal holds.

The gate reads them in SQL at the moment a match or an enrolment runs (policy.rules); compliance runs the
work they cause (erasure batches, certificates, deadlines) and updates their progress fields.
"""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower

from consent.models import Purpose, Subject


class RetentionAnchor(models.TextChoices):
    GRANTED = "granted", "Consent granted"
    LAST_INTERACTION = "last_interaction", "Last interaction"
    PURPOSE_END = "purpose_end", "Purpose met or ended"


class RetentionRule(models.Model):
    """Max age of a face template from an anchor, for a jurisdiction and/or tenant (× purpose)."""

    jurisdiction = models.ForeignKey("consent.Jurisdiction", null=True, blank=True, on_delete=models.CASCADE)
    tenant = models.ForeignKey("consent.Tenant", null=True, blank=True, on_delete=models.CASCADE)
    purpose = models.CharField(max_length=32, choices=Purpose.choices, blank=True)  # blank: every purpose
    anchor = models.CharField(max_length=32, choices=RetentionAnchor.choices)
    # A calendar interval, months then days (PostgreSQL's make_interval): "3 years" is 36 months, so a leap day
    # never shortens it the way 1,095 days would.
    max_age_months = models.PositiveIntegerField(default=0)
    max_age_days = models.PositiveIntegerField(default=0)
    citation = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # The same limit twice is a mistake an officer cannot see in a list (compliance.services.retention).
            models.UniqueConstraint(
                fields=["jurisdiction", "tenant", "purpose", "anchor", "max_age_months", "max_age_days"],
                condition=models.Q(active=True),
                nulls_distinct=False,
                name="retention_rule_unique_when_active",
            )
        ]


class OrderAction(models.TextChoices):
    ERASE = "erase", "Erase"
    SUSPEND_PROCESSING = "suspend_processing", "Suspend processing"
    RESTRICT_COLLECTION = "restrict_collection", "Restrict collection"


# Orders that take a subject out of matching, and orders that refuse new enrolments. An erase order does both only
# for the subjects it reaches (policy.rules.subject_under_order): no face is ever stored that could not be used.
MATCH_BLOCKING_ACTIONS = (OrderAction.ERASE, OrderAction.SUSPEND_PROCESSING)
COLLECTION_BLOCKING_ACTIONS = (OrderAction.ERASE, OrderAction.RESTRICT_COLLECTION, OrderAction.SUSPEND_PROCESSING)


class OrderStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    BLOCKED_BY_HOLD = "blocked_by_hold", "Blocked by legal hold"


# An erase order still owes work in these states; past its deadline in one of them it is overdue (derived, never
# stored: compliance.selectors.deadlines).
OPEN_ORDER_STATUSES = (OrderStatus.RECEIVED, OrderStatus.RUNNING, OrderStatus.BLOCKED_BY_HOLD)


class ScopeMatch(models.TextChoices):
    ANY = "any", "Any of them (union)"
    ALL = "all", "All of them (intersection)"


class ScopedModel(models.Model):
    """A scope is the union of the jurisdictions, tenants and subjects it names (`any`, the default), or, when
    written so, their intersection (`all`: a tenant's subjects within a jurisdiction; an empty list does not narrow)."""

    scope_match = models.CharField(max_length=3, choices=ScopeMatch.choices, default=ScopeMatch.ANY)
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
    reminders_sent = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)

    class Meta:
        constraints = [
            # A regulator's reference names one order: recording it twice would erase or suspend twice.
            models.UniqueConstraint(Lower("regulator"), "reference", name="order_reference_unique_per_regulator")
        ]

    # Not columns: what the officer's lists set on the orders they show (compliance.selectors.orders.orders_open, the
    # dashboard), declared so a misspelt one is an error.
    deadline_state: str
    held: list[Subject]


class LegalHold(ScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150)
