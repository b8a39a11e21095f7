"""The dashboard's counts."""

from __future__ import annotations

from datetime import datetime

from consent.models import Subject, Tenant
from matching.models import FaceTemplate
from policy.selectors import consents_in_force


def counts(*, now: datetime) -> dict[str, int]:
    active_consents = consents_in_force(at=now).filter(subject__erased_at__isnull=True)
    return {
        "tenants": Tenant.objects.count(),
        "subjects": Subject.objects.filter(erased_at__isnull=True).count(),
        "erased_subjects": Subject.objects.filter(erased_at__isnull=False).count(),
        "active_consents": active_consents.count(),
        "templates": FaceTemplate.objects.count(),
    }
