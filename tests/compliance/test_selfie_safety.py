"""A selfie proves a likeness, not an identity: by default an officer decides; a setting may relax it per purpose,
never for fraud_prevention."""

from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import ErasureRequest, ErasureStatus
from compliance.services import erasure_requests
from consent.models import Purpose
from core.audit import Actor
from matching.models import JobStatus
from tests import factories

ACTOR = Actor.system("test")
pytestmark = pytest.mark.django_db


def _selfie_request(candidates, lookup_status=JobStatus.DONE, distance=0.02) -> ErasureRequest:
    return ErasureRequest.objects.create(
        email="a@x.test",
        jurisdiction_id="FR",
        lookup_status=lookup_status,
        candidates=[c.pk for c in candidates],
        candidate_scores={str(c.pk): {"distance": distance, "fpir_at_score": 0.0} for c in candidates},
        received_at=timezone.now(),
        due_at=timezone.now() + timedelta(days=30),
    )


def _verified_status(request) -> str:
    return erasure_requests.erasure_request_verify(erasure_request=request, actor=ACTOR).status


@pytest.fixture
def door(tenant):
    return factories.consented_subject(tenant, factories.notice(tenant, Purpose.ACCESS_CONTROL))


@pytest.fixture
def fraud(tenant, notice):
    return factories.consented_subject(tenant, notice)


def test_by_default_every_selfie_request_waits_for_an_officer(door, tenant):
    assert _verified_status(_selfie_request([door])) == ErasureStatus.AWAITING_OFFICER
    # Even faces held for no purpose at all: the default relaxes nothing.
    assert _verified_status(_selfie_request([factories.subject(tenant)])) == ErasureStatus.AWAITING_OFFICER


def test_a_relaxed_purpose_erases_without_an_officer(settings, door):
    settings.SELFIE_ERASURE_WITHOUT_OFFICER_PURPOSES = ["access_control"]
    assert _verified_status(_selfie_request([door])) == ErasureStatus.RUNNING
    # The lookup not ended yet: nobody knows what it will name, so an officer decides.
    assert _verified_status(_selfie_request([], lookup_status=JobStatus.RUNNING)) == ErasureStatus.AWAITING_OFFICER


def test_a_candidate_beyond_the_duplicate_threshold_waits_for_an_officer_even_when_relaxed(settings, door):
    settings.SELFIE_ERASURE_WITHOUT_OFFICER_PURPOSES = ["access_control"]
    loose = settings.ERASURE_LOOKUP_THRESHOLD  # found for recall, too loose to erase on without a person's judgement
    assert _verified_status(_selfie_request([door], distance=loose)) == ErasureStatus.AWAITING_OFFICER


def test_fraud_prevention_is_never_relaxed(settings, door, fraud):
    settings.SELFIE_ERASURE_WITHOUT_OFFICER_PURPOSES = ["access_control", "fraud_prevention"]
    assert _verified_status(_selfie_request([fraud])) == ErasureStatus.AWAITING_OFFICER
    assert _verified_status(_selfie_request([door, fraud])) == ErasureStatus.AWAITING_OFFICER
