"""A write that keeps losing a lock race is retried inside the service, then answered 503 busy, never 500."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from consent.models import Consent, Subject
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_consent_blocked_by_a_lock_is_retried_then_503_busy_with_retry_after(client):
    tenant = factories.tenant_created("acme")
    raw = factories.api_key_created(tenant, ["fraud_prevention"])[1]
    subject, notice = factories.subject_created(tenant), factories.notice_created(tenant)
    body = {"purpose": "fraud_prevention", "notice": str(notice.id), "method": "written_release", "evidence": {}}
    locked, release = threading.Event(), threading.Event()

    def hold_the_subject():
        try:
            with transaction.atomic():
                Subject.objects.select_for_update().get(pk=subject.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_subject)
    holder.start()
    assert locked.wait(30)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")  # every attempt gives up waiting: lock_not_available
    try:
        started = time.monotonic()
        response = client.post(
            f"/api/v1/subjects/{subject.id}/consents",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Api-Key {raw}",
        )
        took = time.monotonic() - started
    finally:
        release.set()
        holder.join(30)
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert response.json()["error"]["code"] == "busy"
    assert took >= 4 * 0.2  # four attempts, each waiting out the lock timeout
    assert not Consent.objects.exists()

    again = client.post(
        f"/api/v1/subjects/{subject.id}/consents",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Api-Key {raw}",
    )
    assert again.status_code == 201, again.json()
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")
