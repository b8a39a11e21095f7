"""The evidence pack of a regulator order: built for an order that ran, checked offline by the documented verifier,
and refused by it once one event in the ZIP is altered."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from compliance.services import evidence, orders
from core.models import AuditEvent
from core.transparency import audit_integrate, latest_signed_head
from policy.models import RegulatorOrder
from tests import factories
from tests.helpers import load_tool

TOOLS = Path(__file__).parents[2] / "tools"


def _verifier():
    return load_tool("verify_evidence")


def _rewrite(pack: bytes, name: str, change) -> bytes:
    """The same ZIP with one file changed by `change` (bytes -> bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            data = src.read(item)
            dst.writestr(item, change(data) if item.endswith("/" + name) else data)
    return out.getvalue()


@pytest.fixture
def ran_order(api, tenant, notice):
    """An erase order for the tenant, run to done as the Celery task runs it."""
    for _ in range(2):
        factories.consented_subject(tenant, notice)
    body = {
        "regulator": "UK ICO",
        "reference": "ENF-2026-7",
        "action": "erase",
        "scope": {"tenants": ["acme"]},
        "received_at": "2026-11-01T09:00:00Z",
        "deadline": "2026-12-01T09:00:00Z",
    }
    order_id = api.post("/api/v1/orders", body, format="json").json()["id"]
    order = orders.order_erase_run(order_id=order_id)
    assert order.status == "done"
    return order


@pytest.mark.django_db
def test_evidence_pack_of_an_order_that_ran_verifies_offline(api, client, ran_order, tmp_path):
    response = api.get(f"/api/v1/orders/{ran_order.pk}/evidence")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    pack = tmp_path / "evidence.zip"
    pack.write_bytes(response.content)
    jwks = client.get("/.well-known/jwks.json").json()

    passed, report = _verifier().verify_pack(pack, jwks=jwks)
    assert passed, "\n".join(report)
    alone, report = _verifier().verify_pack(pack)  # with the key the pack carries: intact, but says so
    assert alone and any(line.startswith("NOTE  the key inside the pack was trusted") for line in report)

    files = _verifier().read_pack(pack)
    assert {"order.json", "timeline.json", "events.json", "signed_head.json", "public_key.json", "summary.html"} <= set(
        files
    )
    proven = json.loads(files["events.json"])
    actions = [e["action"] for e in proven["events"]]
    assert {"order.create", "order.run", "erasure.batch", "certificate.issue", "order.done"} <= set(actions)
    assert proven["not_yet_in_signed_head"] == []  # the pack integrates pending events first
    assert json.loads(files["signed_head.json"])["tree_size"] == proven["tree_size"]
    certificates = [n for n in files if n.startswith("certificates/")]
    assert len(certificates) == 1 and any("certificate" in line and "in the log" in line for line in report)
    timeline = [t["what"] for t in json.loads(files["timeline.json"])]
    assert timeline.index("received") < timeline.index("order.create") < timeline.index("order.done")
    summary = files["summary.html"].decode()
    assert "UK ICO" in summary and "ENF-2026-7" in summary and "verify_evidence.py" in summary
    # Exporting is itself audited.
    assert AuditEvent.objects.filter(action="order.evidence_export", object_id=str(ran_order.pk)).exists()


@pytest.mark.django_db
def test_altering_one_event_in_the_pack_fails_verification(api, client, ran_order, tmp_path):
    pack = api.get(f"/api/v1/orders/{ran_order.pk}/evidence").content
    jwks = client.get("/.well-known/jwks.json").json()

    def alter_event(data: bytes) -> bytes:
        proven = json.loads(data)
        batch = next(e for e in proven["events"] if e["action"] == "erasure.batch")
        batch["details"]["subjects"] = 0
        return json.dumps(proven).encode()

    altered = tmp_path / "altered.zip"
    altered.write_bytes(_rewrite(pack, "events.json", alter_event))
    passed, report = _verifier().verify_pack(altered, jwks=jwks)
    assert not passed and report[-1] == "evidence pack INVALID"
    assert "FAIL  file events.json SHA-256" in report
    assert any(line.startswith("FAIL  event") and "columns match its leaf" in line for line in report)

    # A forged head: the signature no longer holds.
    def alter_head(data: bytes) -> bytes:
        head = json.loads(data)
        head["tree_size"] += 1
        return json.dumps(head).encode()

    forged = tmp_path / "forged.zip"
    forged.write_bytes(_rewrite(pack, "signed_head.json", alter_head))
    passed, report = _verifier().verify_pack(forged, jwks=jwks)
    assert not passed and any(line.startswith("FAIL  tree head") for line in report)


@pytest.mark.django_db
def test_the_verifier_runs_as_a_script_without_facegate(api, client, ran_order, tmp_path):
    import subprocess
    import sys

    (tmp_path / "evidence.zip").write_bytes(api.get(f"/api/v1/orders/{ran_order.pk}/evidence").content)
    (tmp_path / "jwks.json").write_text(json.dumps(client.get("/.well-known/jwks.json").json()))
    run = subprocess.run(
        [sys.executable, str(TOOLS / "verify_evidence.py"), "evidence.zip", "--jwks", "jwks.json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("evidence pack VALID")


@pytest.mark.django_db
def test_events_not_yet_in_a_signed_head_are_listed_as_such(ran_order):
    audit_integrate()
    events = list(AuditEvent.objects.filter(object_id=str(ran_order.pk)).order_by("seq"))
    head = latest_signed_head()
    events[-1].leaf_index = None  # as if another sequencer run still held it
    proven = evidence._events_with_proofs(events, head)
    assert [e["seq"] for e in proven["not_yet_in_signed_head"]] == [events[-1].seq]
    assert len(proven["events"]) == len(events) - 1


@pytest.mark.django_db
def test_evidence_of_an_unknown_order_is_a_json_404(api):
    response = api.get("/api/v1/orders/00000000-0000-0000-0000-000000000001/evidence", HTTP_ACCEPT="application/zip")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert RegulatorOrder.objects.count() == 0


def _repack(entries) -> bytes:
    """A ZIP of (name, bytes) entries exactly as given: duplicates and odd names included."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in entries:
            dst.writestr(name, data)
    return out.getvalue()


def _entries(pack: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(pack)) as src:
        return [(name, src.read(name)) for name in src.namelist()]


def _forged_order(data: bytes) -> bytes:
    order = json.loads(data)
    order["subjects_erased"] = 0
    return json.dumps(order).encode()


def _forgeries(pack: bytes) -> dict[str, bytes]:
    """Packs whose genuine files still all verify, with a forgery a reader could be shown instead."""
    entries = _entries(pack)
    top = entries[0][0].split("/", 1)[0]
    order = next(data for name, data in entries if name.endswith("/order.json"))
    summary = b"<h1>UK ICO ENF-2026-7: nothing was erased</h1>"
    genuine_last = [(f"{top}/order.json", _forged_order(order)), *entries]
    return {
        "a second folder": _repack(
            [*entries, ("evidence-2/order.json", _forged_order(order)), ("evidence-2/summary.html", summary)]
        ),
        "a second folder first": _repack([("evidence-0/order.json", _forged_order(order)), *entries]),
        "a duplicate entry placed first": _repack(genuine_last),
        "a duplicate entry placed last": _repack([*entries, (f"{top}/summary.html", summary)]),
        "an entry without a folder": _repack([*entries, ("order.json", _forged_order(order))]),
        "a file the manifest does not list": _repack([*entries, (f"{top}/notes.txt", b"all fine")]),
        "a file of the manifest missing": _repack([e for e in entries if not e[0].endswith("/timeline.json")]),
        "a path out of the folder": _repack([*entries, (f"{top}/../order.json", _forged_order(order))]),
        "no manifest": _repack([e for e in entries if not e[0].endswith("/manifest.jwt")]),
        "a manifest that is not a JWT": _repack(
            [(n, b"not-a-jwt" if n.endswith("/manifest.jwt") else d) for n, d in entries]
        ),
        "events that are not JSON": _repack([(n, b"{" if n.endswith("/events.json") else d) for n, d in entries]),
        "not a ZIP file": b"PK\x03\x04 not really",
        "an empty ZIP": _repack([]),
    }


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Duplicate name")  # the forgeries write them on purpose
def test_forged_and_malformed_packs_are_invalid_with_a_reason(api, client, ran_order, tmp_path):
    pack = api.get(f"/api/v1/orders/{ran_order.pk}/evidence").content
    jwks = client.get("/.well-known/jwks.json").json()
    verifier = _verifier()
    for forgery, data in _forgeries(pack).items():
        path = tmp_path / "forged.zip"
        path.write_bytes(data)
        passed, report = verifier.verify_pack(path, jwks=jwks)
        assert not passed, f"{forgery}: VALID\n" + "\n".join(report)
        assert report[-1] == "evidence pack INVALID" and any(line.startswith("FAIL") for line in report), forgery


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Duplicate name")  # the forgeries write them on purpose
def test_the_script_says_invalid_never_a_traceback(api, client, ran_order, tmp_path):
    import subprocess
    import sys

    pack = api.get(f"/api/v1/orders/{ran_order.pk}/evidence").content
    for forgery, data in _forgeries(pack).items():
        (tmp_path / "forged.zip").write_bytes(data)
        run = subprocess.run(
            [sys.executable, str(TOOLS / "verify_evidence.py"), "forged.zip"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin"},
        )
        assert run.returncode == 1 and run.stderr == "", f"{forgery}: {run.stderr}"
        assert run.stdout.strip().endswith("evidence pack INVALID"), forgery


@pytest.mark.django_db
def test_a_pack_whose_head_a_retired_key_signed_verifies_with_the_key_history(
    api, client, ran_order, settings, signing_key_ring, tmp_path
):
    """Rotated in the secret store (no rotation event, so no new head): the pack's head is the retired key's, its
    manifest the new key's; the verifier takes each by its kid from the published history."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from core.keys import key_ring

    audit_integrate()
    old = key_ring().active
    settings.AUDIT_SIGNING_KEY = base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()
    settings.AUDIT_RETIRED_SIGNING_KEYS = json.dumps([{**old.entry(), "retired_at": "2999-01-01T00:00:00+00:00"}])
    pack = tmp_path / "evidence.zip"
    pack.write_bytes(api.get(f"/api/v1/orders/{ran_order.pk}/evidence").content)
    with zipfile.ZipFile(pack) as z:
        head = json.loads(z.read(next(n for n in z.namelist() if n.endswith("/signed_head.json"))))
    assert head["key_id"] == old.kid != key_ring().active.kid

    passed, report = _verifier().verify_pack(pack, jwks=client.get("/.well-known/jwks.json").json())
    assert passed, "\n".join(report)
