"""Reads of legal holds and retention rules, and of the work a hold blocks."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from compliance.models import (
    ErasureRequest,
)
from policy.models import LegalHold, RegulatorOrder, RetentionRule
from policy.selectors import legal_holds_in_force, subjects_covered


def retention_rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.select_related("tenant").order_by("-active", "jurisdiction_id", "-created_at")


def legal_hold_list() -> QuerySet[LegalHold]:
    return LegalHold.objects.order_by("-created_at")


def holds_active(*, now: datetime) -> QuerySet[LegalHold]:
    return legal_holds_in_force(at=now).order_by("-created_at")


def holds_covering(*, subject_ids, now: datetime) -> list[LegalHold]:
    """The active holds whose scope covers at least one of the subjects (what an officer would release)."""
    if not subject_ids:
        return []
    return [
        hold
        for hold in holds_active(now=now)
        if subjects_covered(scoped=hold).filter(pk__in=list(subject_ids)).exists()
    ]


def work_blocked_by_holds() -> list[RegulatorOrder | ErasureRequest]:
    """Every order and erasure request that a legal hold has blocked (held subjects left, not answered)."""
    return [
        item
        for model in (RegulatorOrder, ErasureRequest)
        for item in model.objects.exclude(held_subjects=[]).exclude(status__in=("done", "refused")).order_by("pk")
    ]
