"""The officer's audit log: newest first, filtered by action, object, actor and time, paged by the last seq."""

import re
import uuid

import pytest

from compliance.selectors import audit as audit_selectors
from core.audit import Actor, audit_append

pytestmark = pytest.mark.django_db


def _seqs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", html)]


def _events(n: int, action: str, object_id: str = "", actor: str = "system:test"):
    return [
        audit_append(actor=Actor(actor), action=action, object_type="t.x", object_id=object_id or str(uuid.uuid4()))
        for _ in range(n)
    ]


def test_newest_first_and_the_next_page_is_older(officer_client):
    made = _events(audit_selectors.AUDIT_PAGE_SIZE + 3, "order.create")
    first = officer_client.get("/officer/audit/").content.decode()
    seqs = _seqs(first)
    assert (
        seqs[0] == made[-1].seq and seqs == sorted(seqs, reverse=True) and len(seqs) == audit_selectors.AUDIT_PAGE_SIZE
    )
    older = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = _seqs(officer_client.get("/officer/audit/" + older).content.decode())
    assert second and max(second) < min(seqs) and made[0].seq in second


def test_filters_by_action_object_and_actor(officer_client):
    _events(3, "order.create")
    (hold,) = _events(1, "legal_hold.release", actor="user:alice")
    target = str(uuid.uuid4())
    on_target = _events(2, "erasure_request.confirm", object_id=target)

    assert _seqs(officer_client.get("/officer/audit/?action=legal_hold.").content.decode()) == [hold.seq]
    assert _seqs(officer_client.get("/officer/audit/?actor=user:").content.decode()) == [hold.seq]
    by_object = _seqs(officer_client.get(f"/officer/audit/?object_id={target}").content.decode())
    assert by_object == [e.seq for e in reversed(on_target)]
    assert _seqs(officer_client.get("/officer/audit/?since=2999-01-01T00:00").content.decode()) == []


def test_a_bad_filter_is_shown_not_a_500(officer_client):
    response = officer_client.get("/officer/audit/?since=yesterday&before=-4")
    assert response.status_code == 200 and "Enter a valid date/time" in response.content.decode()
