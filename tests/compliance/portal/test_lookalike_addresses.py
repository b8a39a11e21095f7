"""The access report goes to the mailbox that confirmed the request, never to a look-alike of another address.

The attack: a tenant holds `victim@gmail.com`; an attacker asks for access as an address that looks alike (or that
a database case fold turns into the victim's), confirms it from a mailbox they control, and downloads the report.
Every step goes through the public interface: the tenant's API, the portal's form, the e-mailed links."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail

from compliance.models import AccessRequest
from tests import factories

pytestmark = pytest.mark.django_db

VICTIMS = ["victim@gmail.com", "victim.strasse@example.org", "kim@example.org", "sam@example.org"]

LOOKALIKES = [
    "victim@gma\u0131l.com",  # dotless ı in the domain: PostgreSQL's UPPER() makes it I
    "v\u0131ctim@gmail.com",  # dotless ı in the local part
    "\uff56\uff49\uff43\uff54\uff49\uff4d@gmail.com",  # fullwidth letters in the local part
    "victim@gm\u0430il.com",  # Cyrillic а in the domain
    "vi\u0441tim@gmail.com",  # Cyrillic с in the local part
    "victim.stra\u00dfe@example.org",  # ß for ss
    "\u212aim@example.org",  # the Kelvin sign for K
    "\u017fam@example.org",  # long s for s: UPPER('ſ') = 'S'
]


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _link(message, kind: str) -> str:
    return _path(re.search(rf"http://\S+/portal/access/{kind}/\S+/", message.body).group(0))


@pytest.fixture
def victims(client):
    """Subjects created by two tenants through the API, each with one of VICTIMS as its address."""
    subjects: dict[str, Any] = {}
    for slug in ("bank", "school"):
        tenant = factories.tenant_created(slug)
        raw = factories.api_key_created(tenant)[1]
        for n, email in enumerate(VICTIMS):
            body = {"external_ref": f"{slug}-{n}", "jurisdiction": "GB", "email": email}
            response = client.post("/api/v1/subjects", body, content_type="application/json", **factories.auth(raw))
            assert response.status_code == 201, response.content
            subjects.setdefault(email, set()).add(response.json()["id"])
    return subjects


def _report_as(client, email: str, captured) -> tuple[list[str], set[str]]:
    """Ask, confirm from the mailbox the link was sent to, download: (recipients of the link, subject ids).
    An address the form refuses (Django's validator takes no non-ASCII local part) gets nothing: ([], set())."""
    mail.outbox.clear()
    with captured(execute=True):
        response = client.post("/portal/access/", {"email": email, "jurisdiction": "GB"})
    if response.status_code == 400:
        assert not mail.outbox and not AccessRequest.objects.exists()
        return [], set()
    assert response.status_code == 200, response.content
    confirmation = mail.outbox[-1]
    with captured(execute=True):
        client.post(_link(confirmation, "confirm"))
    report = client.get(_link(mail.outbox[-1], "report"))
    assert report.status_code == 200
    organisations = json.loads(b"".join(report.streaming_content) if report.streaming else report.content)
    ids = {s["subject"]["id"] for o in organisations["organisations"] for s in o["subjects"]}
    return confirmation.to, ids


@pytest.mark.parametrize("lookalike", LOOKALIKES)
def test_a_lookalike_address_reaches_no_other_addresss_subjects(
    client, victims, lookalike, django_capture_on_commit_callbacks
):
    recipients, reached = _report_as(client, lookalike, django_capture_on_commit_callbacks)
    assert reached == set(), f"{lookalike!r} (mailed to {recipients}) reached {reached}"
    assert all(r.subjects == [] for r in AccessRequest.objects.all())


def test_a_fullwidth_domain_is_mailed_to_the_mailbox_it_names(client, victims, django_capture_on_commit_callbacks):
    """`gmail.com` in fullwidth letters is gmail.com to every resolver (IDNA maps it): the link goes to the real
    victim@gmail.com, so only the victim can confirm it."""
    recipients, reached = _report_as(
        client, "victim@\uff47\uff4d\uff41\uff49\uff4c.com", django_capture_on_commit_callbacks
    )
    assert recipients == ["victim@gmail.com"]
    assert reached == victims["victim@gmail.com"]


def test_the_same_address_in_other_ascii_case_still_finds_its_subjects(
    client, victims, django_capture_on_commit_callbacks
):
    recipients, reached = _report_as(client, "Victim@GMail.COM", django_capture_on_commit_callbacks)
    assert recipients == ["Victim@gmail.com"]
    assert reached == victims["victim@gmail.com"] and len(reached) == 2
