"""Possible duplicates at enrolment: the fraud-prevention check of "is this face already enrolled as someone else?".

Only within fraud_prevention: the enrolled subject's consent must cover it, and only other subjects whose
consents cover it (the gate) are compared. A stricter threshold than 1:N matching: a duplicate is reported
to a fraud team about a person, so a false report must be rarer still.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from consent.models import Purpose
from matching.models import FaceTemplate
from matching.selectors import templates_nearest
from policy.gate import templates_eligible

PURPOSE = Purpose.FRAUD_PREVENTION
MAX_DUPLICATES = 10


def possible_duplicates(template: FaceTemplate) -> list[dict]:
    """Other subjects of the tenant whose faces are within DUPLICATE_THRESHOLD of `template`, nearest first;
    [] when the template's own subject has no consent in force for fraud_prevention."""
    tenant, model, at = template.tenant_id, template.model_name, timezone.now()
    itself = FaceTemplate.objects.filter(pk=template.pk)
    if not templates_eligible(itself, tenant=tenant, purpose=PURPOSE, model=model, at=at).exists():
        return []
    own = FaceTemplate.objects.filter(subject_id=template.subject_id).count()
    found, _ = templates_nearest(
        tenant=tenant,
        purpose=PURPOSE,
        model=model,
        at=at,
        embedding=list(template.embedding),
        k=own + 4 * MAX_DUPLICATES,
    )
    nearest: dict = {}
    for t in found:  # nearest first: keep each person's nearest template
        if t.subject_id != template.subject_id and t.distance <= settings.DUPLICATE_THRESHOLD:
            nearest.setdefault(t.subject_id, float(t.distance))
    # Subject ids only: an erasure scrubs match results of external refs, and knows nothing of this column.
    return [{"subject_id": str(pk), "distance": round(d, 6)} for pk, d in list(nearest.items())[:MAX_DUPLICATES]]
