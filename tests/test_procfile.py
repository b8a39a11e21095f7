"""The Procfile as production runs it: `honcho start` against DATABASE_URL/REDIS_URL (the embedded servers of
`make test`), each process doing its part of one request's life."""

from __future__ import annotations

import httpx
import pytest

from core.audit import Actor
from core.officers import officer_create
from tests import factories
from tests.conftest import FACES_DIR
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration]


def test_honcho_runs_the_procfile_and_a_request_goes_end_to_end(procfile_stack):
    base_url, output = procfile_stack
    tenant = factories.tenant_created()
    _, raw = factories.api_key_created(tenant)
    subject = factories.subject_created(tenant)
    factories.consent_granted(subject)
    _, _, token = officer_create(username="procfile-officer", actor=Actor.system("tests"))
    photo = FACES_DIR / "people" / "df-02" / "img8.jpg"
    with photo.open("rb") as image:
        enrolled = httpx.post(
            f"{base_url}/api/v1/subjects/{subject.id}/faces",
            headers={"Authorization": f"Api-Key {raw}"},
            files={"image": (photo.name, image, "image/jpeg")},
            data={"wait": "30"},
            timeout=60,
        )
    # web (gunicorn) took it, the worker made the template: done within the wait
    assert enrolled.status_code == 200 and enrolled.json()["status"] == "done", enrolled.text
    assert enrolled.json()["template_id"]
    # the sequencer integrated the enrolment's audit events into a signed tree head
    officer = {"Authorization": f"Token {token}"}

    def head():
        return httpx.get(f"{base_url}/api/v1/audit/head", headers=officer, timeout=10)

    signed = wait_for(head, lambda r: r.status_code == 200 and r.json().get("tree_size", 0) > 0, timeout=30)
    assert signed.json()["signature"]
    # beat is up and scheduling (its own line in honcho's output)
    wait_for(output, lambda text: "beat: Starting" in text, timeout=30)
    assert f"Listening at: {base_url}" in output()
