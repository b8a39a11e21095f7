"""Every view of one request's deadline gives the same answer (compliance.selectors.deadlines): the API's detail and
list, the officer list, the request's page, the dashboard, and the hourly reminders. Checked past the due date for
a request that owes an answer (overdue everywhere) and one whose requester never confirmed it (overdue nowhere)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from compliance.models import AccessRequest, AccessStatus, ErasureRequest, ErasureStatus
from compliance.services import deadlines

pytestmark = pytest.mark.django_db

KINDS: dict[str, tuple[type[AccessRequest] | type[ErasureRequest], str, str]] = {
    "access": (AccessRequest, AccessStatus.AWAITING_OFFICER, AccessStatus.AWAITING_VERIFICATION),
    "erasure": (ErasureRequest, ErasureStatus.AWAITING_OFFICER, ErasureStatus.AWAITING_VERIFICATION),
}


def _row(html: str, request_id) -> str:
    """The table row of the request on a list page ('' when it is not listed)."""
    match = re.search(rf'<tr class="([^"]*)">\s*<td><a href="[^"]*{request_id}/">.*?</tr>', html, re.S)
    return match.group(0) if match else ""


def _views(client, kind: str, request) -> dict[str, bool]:
    """Whether each view says the request is overdue."""
    api = client.get(f"/api/v1/{kind}-requests/{request.pk}").json()
    listed = next(r for r in client.get(f"/api/v1/{kind}-requests").json()["results"] if r["id"] == str(request.pk))
    officer_list = _row(client.get(f"/officer/{kind}-requests/").content.decode(), request.pk)
    page = client.get(f"/officer/{kind}-requests/{request.pk}/").content.decode()
    dashboard = _row(client.get("/officer/").content.decode(), request.pk)
    report = deadlines.deadlines_check(at=timezone.now())
    counted = report["overdue_access_requests" if kind == "access" else "overdue_requests"]
    return {
        "api detail": api["overdue"] and api["deadline_state"] == "overdue",
        "api list": listed["overdue"] and listed["deadline_state"] == "overdue",
        "officer list": 'class="overdue"' in officer_list and "overdue by" in officer_list,
        "request page": "(overdue by" in page,
        "dashboard": 'class="overdue"' in dashboard and "overdue by" in dashboard,
        "reminders": counted == 1,
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("owing", [True, False], ids=["confirmed", "never-confirmed"])
def test_every_view_agrees_on_overdue_past_the_due_date(officer_client, tenant, kind, owing):
    model, confirmed, unconfirmed = KINDS[kind]
    now = timezone.now()
    request = model.objects.create(
        jurisdiction_id="GB",
        tenant=tenant,
        external_ref="c-1",
        email="someone@x.test",
        status=confirmed if owing else unconfirmed,
        received_at=now - timedelta(days=33, hours=6),
        verified_at=now - timedelta(days=33) if owing else None,
        due_at=now - timedelta(days=3, hours=6),
    )
    views = _views(officer_client, kind, request)
    assert set(views.values()) == {owing}, views
    if not owing:  # listed on the dashboard, and said plainly why no deadline runs
        dashboard = _row(officer_client.get("/officer/").content.decode(), request.pk)
        assert "awaiting the requester's confirmation" in dashboard


def test_the_dashboard_counts_overdue_access_requests(officer_client):
    now = timezone.now()
    for days in (-2, -1, 10):
        AccessRequest.objects.create(
            jurisdiction_id="FR",
            status=AccessStatus.AWAITING_OFFICER,
            received_at=now - timedelta(days=20),
            due_at=now + timedelta(days=days),
        )
    html = officer_client.get("/officer/").content.decode()
    assert 'id="dashboard-access-requests"' in html and "2 overdue" in html
