"""The portal is no oracle: whether an organisation code exists, and whether a reference there names someone (held
under another address), look the same to a requester whose address does not prove the identity. Through the
portal's form, the mailed links and the pages they open."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests import factories

pytestmark = pytest.mark.django_db

ATTACKER = "curious@example.org"


@pytest.fixture(autouse=True)
def victim():
    acme = factories.tenant("acme")
    factories.subject(acme, "GB", email="holder@acme.test", ref="r-1")


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _same_shape(page: str) -> str:
    """A page with what differs between any two requests (dates, signed tokens, ids) blanked out."""
    page = re.sub(r"/portal/\w+/\w+/[^/\"\s]+/", "/portal/LINK/", page)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r"\d{1,2} \w+ \d{4}( \d\d:\d\d)?", "DATE", page)


def _journey(client, area: str, tenant: str, ref: str, captured) -> list:
    """Everything the requester sees: the form's answer, each mail, the status page after confirming."""
    seen = []
    mail.outbox.clear()
    with captured(execute=True):
        response = client.post(
            f"/portal/{area}/", {"email": ATTACKER, "jurisdiction": "GB", "tenant": tenant, "external_ref": ref}
        )
    seen.append((response.status_code, _same_shape(response.content.decode())))
    if response.status_code != 200:
        return seen
    confirm = re.search(rf"http://\S+/portal/{area}/confirm/\S+/", str(mail.outbox[-1].body)).group(0)
    with captured(execute=True):
        status = client.post(_path(confirm), follow=True)
    seen.append((status.status_code, _same_shape(status.content.decode())))
    seen.extend((m.subject, _same_shape(str(m.body))) for m in mail.outbox)
    return seen


@pytest.mark.parametrize("area", ["access", "erasure"])
def test_a_reference_held_under_another_address_looks_like_one_that_names_nobody(
    client, area, django_capture_on_commit_callbacks
):
    held = _journey(client, area, "acme", "r-1", django_capture_on_commit_callbacks)
    nobody = _journey(client, area, "acme", "r-404", django_capture_on_commit_callbacks)
    assert held == nobody
    assert "Awaiting" in held[1][1]  # both wait for an officer, who sees whether anyone is named


@pytest.mark.parametrize("area", ["access", "erasure"])
def test_an_unknown_organisation_code_looks_like_a_known_one(client, area, django_capture_on_commit_callbacks):
    known = _journey(client, area, "acme", "r-404", django_capture_on_commit_callbacks)
    unknown = _journey(client, area, "no-such-org", "r-404", django_capture_on_commit_callbacks)
    assert unknown == known
    assert "Unknown tenant" not in str(unknown)
