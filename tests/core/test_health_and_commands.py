import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from rest_framework.authtoken.models import Token

from consent.auth import hash_key
from consent.models import ApiKey, Tenant
from core.audit import Actor, audit_append
from core.models import AuditEvent
from core.officers import officer_create
from core.transparency import audit_integrate, audit_verify


def _run(*args) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.mark.django_db
def test_database_is_postgres_with_pgvector_08():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        (version,) = cursor.fetchone()
    assert tuple(int(p) for p in version.split(".")[:2]) >= (0, 8)
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_create_tenant_is_idempotent():
    first = _run("create_tenant", "acme", "--name", "Acme")
    second = _run("create_tenant", "acme")
    assert "created" in first[-1] and "exists" in second[-1]
    assert Tenant.objects.filter(slug="acme").count() == 1


@pytest.mark.django_db
def test_create_api_key_prints_key_last_and_stores_only_its_hash():
    _run("create_tenant", "acme")
    lines = _run("create_api_key", "--tenant", "acme", "--purposes", "fraud_prevention,access_control")
    raw = lines[-1]
    assert re.fullmatch(r"fg_[0-9a-f]{8}_[\w-]{20,}", raw)
    key = ApiKey.objects.get()
    assert key.key_hash == hash_key(raw) and raw not in (key.key_hash, key.prefix)
    assert key.purposes == ["access_control", "fraud_prevention"]


@pytest.mark.django_db
def test_create_officer_prints_token_last_and_resets_password():
    first = _run("create_officer", "olivia")
    token = first[-1].removeprefix("token: ")
    assert Token.objects.get(user__username="olivia").key == token
    second = _run("create_officer", "olivia")
    assert second[-1] == first[-1]
    assert first[1] != second[1]  # a new password


@pytest.mark.django_db
def test_healthz_names_each_part(client):
    body = client.get("/healthz").json()
    # No worker runs in this test, so health must say so (503, celery named).
    assert body["parts"] == {
        "database": "healthy",
        "redis": "healthy",
        "celery": "unhealthy",
        "weights": "healthy",
        "restore": "healthy",
    }
    assert body["failing"] == ["celery"]


def test_healthz_is_200_with_a_worker(client, celery_worker):
    _, _, token = officer_create(username="olivia", actor=Actor.system("test"))
    response = client.get("/healthz", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.json()
    assert response.json()["celery"]["workers"]  # the details, for an officer


@pytest.mark.django_db(transaction=True)
def test_audit_rows_refuse_update_and_delete_and_tampering_is_detected():
    with transaction.atomic():
        for i in range(3):
            audit_append(actor=Actor.system("test"), action="test.event", object_type="test", object_id=str(i))
    audit_integrate()
    assert audit_verify()["valid"] is True
    event = AuditEvent.objects.order_by("seq")[1]
    for sql in (
        "UPDATE core_auditevent SET actor = 'x' WHERE seq = %s",
        "DELETE FROM core_auditevent WHERE seq = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.seq])
    # Tampering by someone who can switch the trigger off is still caught by the tree.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute("UPDATE core_auditevent SET actor = 'mallory' WHERE seq = %s", [event.seq])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    result = audit_verify()
    assert result["valid"] is False and result["bad_index"] == event.leaf_index


@pytest.mark.django_db
def test_api_keys_cannot_carry_the_platforms_erasure_lookup_purpose():
    from django.core.management.base import CommandError

    _run("create_tenant", "acme")
    with pytest.raises(CommandError, match="Unknown purposes"):
        _run("create_api_key", "--tenant", "acme", "--purposes", "erasure_lookup")
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_officer_endpoints_refuse_api_keys(client):
    from consent.services import api_key_create, tenant_create
    from core.audit import Actor as A

    tenant, _ = tenant_create(slug="acme", actor=A.system("test"))
    _, raw = api_key_create(tenant=tenant, purposes=["fraud_prevention"], actor=A.system("test"))
    response = client.get("/api/v1/audit/verify", HTTP_AUTHORIZATION=f"Api-Key {raw}")
    # Officer endpoints accept only officer tokens and sessions: a client key does not authenticate there.
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_a_revoked_key_authenticates_nothing_from_the_moment_it_is_revoked(client):
    _run("create_tenant", "acme")
    raw = _run("create_api_key", "--tenant", "acme", "--purposes", "fraud_prevention")[-1]
    prefix = raw.split("_")[1]
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    assert client.get("/api/v1/subjects", **auth).status_code == 200
    first = _run("revoke_api_key", prefix)[-1]
    assert "revoked" in first and _run("revoke_api_key", prefix)[-1] == first  # idempotent
    response = client.get("/api/v1/subjects", **auth)
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"
    assert AuditEvent.objects.filter(action="api_key.revoke").count() == 1
