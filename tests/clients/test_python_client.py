"""The whole client flow through the generated Python client only, against the live test server and a real Celery
worker (DeepFace on tests/faces); and the committed client is what the live schema generates today."""

from __future__ import annotations

import filecmp
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import jwt
import pytest

from tests import factories
from tests.clients.conftest import CLIENT_DIR
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _photo(client_pkg, path: Path):
    return client_pkg.types.File(payload=path.open("rb"), file_name=path.name, mime_type="image/jpeg")


def test_the_whole_flow_through_the_generated_client(live_server, celery_worker, faces_dir, facegate_client):
    from facegate_client import AuthenticatedClient
    from facegate_client.api.v1 import (
        v1_consents_receipt_jwt_list,
        v1_consents_receipt_list,
        v1_consents_withdraw_create,
        v1_matches_create,
        v1_notices_create,
        v1_subjects_consents_create,
        v1_subjects_create,
        v1_subjects_destroy,
        v1_subjects_enrollments_list,
        v1_subjects_faces_create,
        v1_subjects_portal_link_create,
        v1_subjects_retrieve,
        v1_subjects_verify_create,
    )
    from facegate_client.models import (
        ConsentCreateInputRequest,
        ConsentCreateInputRequestEvidence,
        EnrollmentCreateInputRequest,
        EnrollmentOutput,
        Error404,
        MatchCreateInputRequest,
        MatchJobOutput,
        MethodEnum,
        NoticeCreateInputRequest,
        PurposeEnum,
        SubjectCreateInputRequest,
        VerificationCreateInputRequest,
        VerificationOutput,
    )

    _, raw = factories.api_key_created(factories.tenant_created())
    api = AuthenticatedClient(base_url=live_server.url, token=raw, prefix="Api-Key", timeout=httpx.Timeout(60.0))
    people = faces_dir / "people" / "df-01"

    def notice(purpose):
        body = NoticeCreateInputRequest(purpose=purpose, version="1", text=f"We use your face for {purpose}.")
        return v1_notices_create.sync(client=api, body=body, idempotency_key=str(uuid.uuid4()))

    def consent(subject, notice_, purpose):
        body = ConsentCreateInputRequest(
            purpose=purpose,
            notice=notice_.id,
            method=MethodEnum.ELECTRONIC_SIGNATURE,
            evidence=ConsentCreateInputRequestEvidence.from_dict({"signed_name": "A. Person"}),
        )
        return v1_subjects_consents_create.sync(subject.id, client=api, body=body)

    fraud, identity = notice(PurposeEnum.FRAUD_PREVENTION), notice(PurposeEnum.IDENTITY_VERIFICATION)
    subject = v1_subjects_create.sync(
        client=api, body=SubjectCreateInputRequest(external_ref="c-123", jurisdiction="GB", email="a@example.org")
    )
    fraud_consent = consent(subject, fraud, PurposeEnum.FRAUD_PREVENTION)
    consent(subject, identity, PurposeEnum.IDENTITY_VERIFICATION)
    link = v1_subjects_portal_link_create.sync(subject.id, client=api)
    assert "/portal/c/" in link.url

    for name in ("img1.jpg", "img2.jpg"):
        body = EnrollmentCreateInputRequest(image=_photo(facegate_client, people / name), wait=30)
        enrollment = v1_subjects_faces_create.sync(subject.id, client=api, body=body)
        assert isinstance(enrollment, EnrollmentOutput) and enrollment.status == "done", enrollment
    page = v1_subjects_enrollments_list.sync(subject.id, client=api, limit=10)
    assert page.count == 2 and all(e.template_id for e in page.results)

    def match():
        body = MatchCreateInputRequest(
            image=_photo(facegate_client, people / "img4.jpg"), purpose=PurposeEnum.FRAUD_PREVENTION, wait=30
        )
        job = v1_matches_create.sync(client=api, body=body)
        assert isinstance(job, MatchJobOutput) and job.status == "done", job
        return [str(r.subject_id) for r in job.results]

    assert match() == [str(subject.id)]
    verification = v1_subjects_verify_create.sync(
        subject.id,
        client=api,
        body=VerificationCreateInputRequest(image=_photo(facegate_client, people / "img4.jpg"), wait=30),
    )
    assert isinstance(verification, VerificationOutput) and verification.match is True, verification

    receipt = v1_consents_receipt_list.sync(fraud_consent.id, client=api)
    token = v1_consents_receipt_jwt_list.sync(fraud_consent.id, client=api)
    jwks = jwt.PyJWKSet.from_dict(httpx.get(f"{live_server.url}/.well-known/jwks.json").json())
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, key=jwks[header["kid"]], algorithms=["EdDSA"], options={"verify_aud": False})
    assert claims["consentReceiptID"] == receipt["consentReceiptID"]

    v1_consents_withdraw_create.sync(fraud_consent.id, client=api)
    assert str(subject.id) not in match()

    erased = v1_subjects_destroy.sync_detailed(subject.id, client=api)
    assert erased.status_code == 202, erased.content
    # The erasure runs on the worker: the subject stays a tombstone with no consents, no templates, no e-mail.
    tombstone = wait_for(lambda: v1_subjects_retrieve.sync(subject.id, client=api), lambda s: s.erased_at)
    assert (tombstone.templates, tombstone.consents, tombstone.email, tombstone.external_ref) == (0, [], "", None)
    # A refusal parses into the error model of its status.
    missing = v1_subjects_retrieve.sync(str(uuid.uuid4()), client=api)
    assert isinstance(missing, Error404) and missing.error.code == "not_found"


def test_the_committed_client_is_what_the_live_schema_generates(live_server, tmp_path):
    out = tmp_path / "python"
    subprocess.run(
        [
            Path(sys.executable).parent / "openapi-python-client",
            "generate",
            "--url",
            f"{live_server.url}/api/schema/",
            "--config",
            ROOT / "clients" / "python-client.yaml",
            "--meta",
            "setup",
            "--output-path",
            out,
        ],
        check=True,
        capture_output=True,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )
    stale = _differences(filecmp.dircmp(CLIENT_DIR, out, ignore=["__pycache__", ".ruff_cache"]))
    assert not stale, f"clients/python is stale (run `make client`): {stale}"


def _differences(cmp: filecmp.dircmp) -> list[str]:
    found = [*cmp.left_only, *cmp.right_only, *cmp.diff_files, *cmp.funny_files]
    for sub in cmp.subdirs.values():
        found += _differences(sub)
    return found
