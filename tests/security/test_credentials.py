"""Issue 18, items 8 and 9: two API keys of one tenant that hold different purposes, each attack replayed over HTTP.

The fraud key holds fraud_prevention only, the access key access_control only, the verify key
identity_verification only, and the whole key every purpose. Before the fix, the access key got the fraud key's
match answered from the idempotency store, read its matches, verifications, receipts and an enrolment's fraud
duplicates, withdrew its consents, erased its subjects and objected for them.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from compliance.models import ErasureRequest
from consent.models import Consent, Purpose
from matching.models import Enrollment, JobStatus, MatchJob
from tests import factories

pytestmark = pytest.mark.django_db
FRAUD, ACCESS, IDV = Purpose.FRAUD_PREVENTION, Purpose.ACCESS_CONTROL, Purpose.IDENTITY_VERIFICATION


def _client(tenant, purposes) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {factories.api_key_created(tenant, purposes)[1]}")
    return client


@pytest.fixture
def tenant():
    return factories.tenant_created("acme")


@pytest.fixture
def fraud(tenant):
    return _client(tenant, [FRAUD])


@pytest.fixture
def access(tenant):
    return _client(tenant, [ACCESS])


@pytest.fixture
def whole(tenant):
    return _client(tenant, list(Purpose.values))


@pytest.fixture
def photo(faces_dir):
    return (faces_dir / "people/df-01/img2.jpg").read_bytes()


def _refused(response) -> bool:
    return response.status_code == 403 and response.json()["error"]["code"] == "purpose_not_allowed"


def _match(client, photo, purpose, key="match-1"):
    image = io.BytesIO(photo)
    image.name = "probe.jpg"
    return client.post(
        "/api/v1/matches", {"image": image, "purpose": purpose}, format="multipart", HTTP_IDEMPOTENCY_KEY=key
    )


def _subject_consenting_to(tenant, *purposes):
    subject = factories.subject_created(tenant)
    return subject, [factories.consent_granted(subject, purpose=p) for p in purposes]


# --- 8. Idempotency keys belong to one credential ---------------------------------------------------------


def test_an_idempotency_key_replays_only_to_the_api_key_that_sent_it(fraud, access, photo):
    first = _match(fraud, photo, FRAUD)
    assert first.status_code == 202
    # The access key sends the very same request under the same Idempotency-Key: before, it was answered the fraud
    # key's kept response (its job id, and with `wait` its results); now the request is its own, and refused.
    replayed = _match(access, photo, FRAUD)
    assert _refused(replayed) and "Idempotent-Replayed" not in replayed
    assert first.json()["id"] not in replayed.content.decode()
    assert _match(fraud, photo, FRAUD)["Idempotent-Replayed"] == "true"  # the key that sent it still gets its replay
    # Nor does one key's Idempotency-Key block another's request (before: 422 idempotency_key_reused).
    assert _match(fraud, photo, FRAUD, key="match-2").status_code == 202
    own = _match(access, photo, ACCESS, key="match-2")
    assert own.status_code == 202 and "Idempotent-Replayed" not in own
    assert MatchJob.objects.count() == 3


# --- 9. Reads, withdrawals, erasures and objections need the record's purposes -----------------------------


def test_a_match_job_is_read_only_with_its_purpose(tenant, fraud, access, whole, photo):
    named, _ = _subject_consenting_to(tenant, FRAUD)
    job = _match(fraud, photo, FRAUD).json()["id"]
    result = {"subject_id": str(named.pk), "external_ref": named.external_ref, "distance": 0.05, "score": 0.95}
    MatchJob.objects.filter(pk=job).update(status=JobStatus.DONE, results=[result])  # as the worker ends it
    refused = access.get(f"/api/v1/matches/{job}")
    assert _refused(refused) and named.external_ref not in refused.content.decode()
    assert fraud.get(f"/api/v1/matches/{job}").json()["results"][0]["subject_id"] == str(named.pk)
    assert whole.get(f"/api/v1/matches/{job}").status_code == 200


def test_a_verification_is_read_only_by_a_key_with_identity_verification(tenant, access, photo):
    verify = _client(tenant, [IDV])
    subject, _ = _subject_consenting_to(tenant, IDV)
    factories.template(subject, enrolled=True)
    image = io.BytesIO(photo)
    image.name = "probe.jpg"
    created = verify.post(f"/api/v1/subjects/{subject.pk}/verify", {"image": image}, format="multipart")
    assert created.status_code == 202
    url = f"/api/v1/verifications/{created.json()['id']}"
    assert _refused(access.get(url))
    assert verify.get(url).status_code == 200


def test_an_enrollments_possible_duplicates_are_read_only_with_fraud_prevention(tenant, fraud, access):
    subject, _ = _subject_consenting_to(tenant, FRAUD, ACCESS)
    other, _ = _subject_consenting_to(tenant, FRAUD)
    enrollment = factories.template(subject, enrolled=True).enrollment
    duplicates = [{"subject_id": str(other.pk), "distance": 0.03}]
    Enrollment.objects.filter(pk=enrollment.pk).update(possible_duplicates=duplicates)  # as the worker found them
    for url in (f"/api/v1/enrollments/{enrollment.pk}", f"/api/v1/subjects/{subject.pk}/enrollments"):
        seen = {key: client.get(url).json() for key, client in (("access", access), ("fraud", fraud))}
        seen = {key: body["results"][0] if "results" in body else body for key, body in seen.items()}
        assert seen["access"]["possible_duplicates"] == [] and str(other.pk) not in str(seen["access"]), url
        assert seen["fraud"]["possible_duplicates"] == duplicates, url


def test_a_consent_and_its_receipts_are_read_only_with_its_purpose(tenant, fraud, access):
    subject, (fraud_consent, access_consent) = _subject_consenting_to(tenant, FRAUD, ACCESS)
    for suffix in ("", "/receipt", "/receipt.jwt", "/receipt.jsonld"):
        assert _refused(access.get(f"/api/v1/consents/{fraud_consent.pk}{suffix}")), suffix
        assert fraud.get(f"/api/v1/consents/{fraud_consent.pk}{suffix}").status_code == 200, suffix
    assert _refused(access.get(f"/api/v1/consents/{fraud_consent.pk}/receipt?format=jwt"))
    # The subject's page lists only the consents of the key's purposes.
    listed = access.get(f"/api/v1/subjects/{subject.pk}").json()["consents"]
    assert [c["id"] for c in listed] == [str(access_consent.pk)]


def test_a_consent_is_withdrawn_only_with_its_purpose(tenant, fraud, access):
    _, (consent,) = _subject_consenting_to(tenant, FRAUD)
    assert _refused(access.post(f"/api/v1/consents/{consent.pk}/withdraw"))
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
    assert fraud.post(f"/api/v1/consents/{consent.pk}/withdraw").json()["withdrawn_at"] is not None


def test_a_subject_is_erased_only_by_a_key_holding_every_purpose_it_consented_to(tenant, fraud, access, whole):
    both, _ = _subject_consenting_to(tenant, FRAUD, ACCESS)
    for partial in (access, fraud):
        refused = partial.delete(f"/api/v1/subjects/{both.pk}")
        assert _refused(refused) and refused.json()["error"]["details"]["missing"] in ([FRAUD], [ACCESS])
    assert not ErasureRequest.objects.exists()
    # A withdrawn consent counts too: erasure deletes its record and scrubs that purpose's match results.
    withdrawn, (consent, _) = _subject_consenting_to(tenant, FRAUD, ACCESS)
    assert fraud.post(f"/api/v1/consents/{consent.pk}/withdraw").status_code == 200
    assert _refused(access.delete(f"/api/v1/subjects/{withdrawn.pk}"))
    assert not ErasureRequest.objects.exists()

    assert whole.delete(f"/api/v1/subjects/{both.pk}").status_code == 202
    own, _ = _subject_consenting_to(tenant, ACCESS)
    assert access.delete(f"/api/v1/subjects/{own.pk}").status_code == 202
    assert ErasureRequest.objects.count() == 2


def test_an_objection_is_filed_only_by_a_key_holding_every_purpose_of_the_subject(tenant, fraud, access, whole):
    subject, _ = _subject_consenting_to(tenant, FRAUD, ACCESS)
    now = timezone.now()
    request = ErasureRequest.objects.create(
        email="a@x.test",
        jurisdiction_id="FR",
        lookup_status=JobStatus.DONE,
        candidates=[subject.pk],
        received_at=now,
        due_at=now + timedelta(days=30),
        verified_at=now,
        objection_until=now + timedelta(hours=1),
    )
    url = f"/api/v1/erasure-requests/{request.pk}/objections"
    body = {"subject": str(subject.pk), "reason": "Open fraud case 7781"}
    assert _refused(access.post(url, body, format="json"))
    assert _refused(fraud.post(url, body, format="json"))
    assert ErasureRequest.objects.get(pk=request.pk).objections == []
    assert whole.post(url, body, format="json").status_code == 201
