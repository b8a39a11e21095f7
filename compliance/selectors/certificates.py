"""Reads of deletion certificates: lists, the certificate document and its counts over time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Func, IntegerField, QuerySet, Sum
from django.db.models.functions import TruncDate

from compliance.models import (
    DeletionCertificate,
)
from compliance.services.certificates import certificate_payload, certificate_sha256
from policy.models import RegulatorOrder


def order_certificates(*, order: RegulatorOrder) -> QuerySet[DeletionCertificate]:
    """An order blocked by a hold and resumed later has one certificate per erasure pass."""
    return certificates_for(obj=order).filter(cause="order")


def certificates_for(*, obj) -> QuerySet[DeletionCertificate]:
    """The certificates of an order or erasure request: one per erasure pass (a hold can split it in several)."""
    return DeletionCertificate.objects.filter(cause_id=str(obj.pk)).order_by("started_at")


def certificates_naming(*, subject_id) -> QuerySet[DeletionCertificate]:
    return DeletionCertificate.objects.filter(subjects__contains=[subject_id]).order_by("started_at")


def certificate_list() -> QuerySet[DeletionCertificate]:
    return DeletionCertificate.objects.order_by("-finished_at")


def certificate_get(*, certificate_id) -> DeletionCertificate:
    return DeletionCertificate.objects.get(pk=certificate_id)


CERTIFICATE_SUBJECTS_SHOWN = 500


def certificate_document(*, certificate: DeletionCertificate) -> dict:
    """The certificate as GET /api/v1/certificates/{id} returns it, and whether its SHA-256, recomputed over the
    same canonical payload, still matches the stored one."""
    return {
        **certificate_payload(certificate),
        "sha256": certificate.sha256,
        "sha256_valid": certificate_sha256(certificate) == certificate.sha256,
        "transparency": certificate.transparency,
    }


def erasures_per_day(*, now: datetime, days: int = 30) -> list[tuple]:
    """[(date, subjects erased)] for each of the last `days` days, today included, zero-filled."""
    today = now.date()
    first = today - timedelta(days=days - 1)
    rows = (
        DeletionCertificate.objects.filter(finished_at__date__gte=first, finished_at__date__lte=today)
        .annotate(day=TruncDate("finished_at"))
        .values("day")
        .annotate(subjects=Sum(Func(F("subjects"), function="cardinality", output_field=IntegerField())))
    )
    per_day = {row["day"]: row["subjects"] or 0 for row in rows}
    return [(first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0)) for i in range(days)]
