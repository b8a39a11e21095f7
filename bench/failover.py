"""Failover through the whole stack: kill the primary under API load, promote the standby, count what was lost.

    .venv/bin/python bench/failover.py --seconds 30 --after 30 [--json docs/bench/failover.json]

In a scratch data dir (--data-dir, emptied first; never the checkout's .facegate): the embedded primary, Redis and
a synchronous standby (devserver/standby.py), then the stack's own processes (devserver.launcher.stack_children:
gunicorn, a real Celery worker, beat, the audit sequencer) on a loopback port. Clients call the API over HTTP with
an API key, as an app would: --clients loop over a person's life (subject, consent granted, enrolment and a match,
each with `wait`, then the withdrawal); --writers only grant and withdraw consents; an officer GETs the signed
tree head every 0.5 s and keeps every head it is given. A write is acknowledged when its 2xx answer arrived.

After --seconds every process of the primary is SIGKILLed (the machine is lost), `pg_ctl promote` turns the
standby into the primary, and web, worker, beat and sequencer are restarted with DATABASE_URL on it; the clients
go on for --after seconds. Then: every accepted job is polled until it ends (at most 120 s), `manage.py
verify_audit` runs on the new primary, and each kept head is checked with a consistency proof to the new tree
(GET /audit/consistency, verified by tools/verify_audit.py, RFC 9162). Printed and appended to --json: acknowledged
writes missing per kind, jobs that never end / end twice / keep their image bytes, seconds with 5xx or connection
errors, the audit verification and the heads that are not a prefix of the new tree. --sync-all: every commit on
the primary waits for the standby's flush (synchronous_commit = on as its default), not only the bounded ones.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import psutil  # type: ignore[import-untyped]
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.stack import free_port  # noqa: E402
from devserver import embedded, standby  # noqa: E402
from devserver.launcher import prepare, stack_children  # noqa: E402
from devserver.supervisor import Supervisor  # noqa: E402
from tools.verify_audit import consistency_valid, head_valid  # noqa: E402

PHOTOS = sorted((ROOT / "tests" / "faces" / "people").glob("*/*.jpg"))
ENDED = ("done", "failed")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="steady load before the primary is killed")
    parser.add_argument("--after", type=float, default=30.0, help="load on the promoted standby")
    parser.add_argument("--clients", type=int, default=3, help="clients enrolling and matching")
    parser.add_argument("--writers", type=int, default=3, help="clients granting and withdrawing consents")
    parser.add_argument(
        "--sync-all", action="store_true", help="every commit waits for the standby's flush (synchronous_commit = on)"
    )
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/facegate-failover"))
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "bench" / "failover.json")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[failover {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Clients:
    """What the clients saw: every answer on a timeline, the writes acknowledged, the jobs, the heads."""

    def __init__(self, base: str, key: str, token: str, notice: str):
        self.base, self.key, self.token, self.notice = base, key, token, notice
        self.lock = threading.Lock()
        # (time sent, time answered, endpoint, status; 599 = no answer)
        self.answers: list[tuple[float, float, str, int]] = []
        self.acked: dict[str, list[str]] = defaultdict(list)
        self.jobs: dict[str, tuple[str, dict]] = {}  # id -> (kind, the job as last answered before the kill)
        self.heads: dict[int, dict] = {}
        self.stop = threading.Event()
        self.killed_at: float | None = None

    def call(self, session, name: str, method: str, path: str, **kw):
        sent = time.monotonic()
        try:
            r = session.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException:
            with self.lock:
                self.answers.append((sent, time.monotonic(), name, 599))
            time.sleep(0.2)  # the server is gone: an app would back off too
            return None
        with self.lock:
            self.answers.append((sent, time.monotonic(), name, r.status_code))
        return r

    def session(self, auth: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = auth
        return session

    def ack(self, kind: str, pk: str) -> None:
        with self.lock:
            self.acked[kind].append(pk)

    def job(self, kind: str, r) -> None:
        if r is not None and r.status_code in (200, 202):
            body = r.json()
            self.ack(kind, body["id"])
            with self.lock:
                self.jobs[body["id"]] = (kind, body if self.killed_at is None else {})

    def person(self, session, rng, with_faces: bool) -> None:
        r = self.call(
            session,
            "POST /subjects",
            "POST",
            "/subjects",
            json={"external_ref": f"fo-{rng.getrandbits(48):x}", "jurisdiction": "GB"},
        )
        if r is None or r.status_code != 201:
            return
        subject = r.json()["id"]
        self.ack("subjects", subject)
        grant = {"purpose": "fraud_prevention", "notice": self.notice, "method": "written_release"}
        r = self.call(session, "POST /consents", "POST", f"/subjects/{subject}/consents", json=grant)
        if r is None or r.status_code != 201:
            return
        consent = r.json()["id"]
        self.ack("grants", consent)
        if with_faces:
            photo = rng.choice(PHOTOS).read_bytes()
            self.job(
                "enrollments",
                self.call(
                    session,
                    "POST /faces",
                    "POST",
                    f"/subjects/{subject}/faces",
                    data={"wait": "10"},
                    files={"image": photo},
                ),
            )
            probe = rng.choice(PHOTOS).read_bytes()
            self.job(
                "matches",
                self.call(
                    session,
                    "POST /matches",
                    "POST",
                    "/matches",
                    data={"purpose": "fraud_prevention", "wait": "20"},
                    files={"image": probe},
                ),
            )
        r = self.call(session, "POST /withdraw", "POST", f"/consents/{consent}/withdraw")
        if r is not None and r.status_code == 200:
            self.ack("withdrawals", consent)

    def client(self, seed: int, with_faces: bool) -> None:
        rng, session = random.Random(seed), self.session(f"Api-Key {self.key}")
        while not self.stop.is_set():
            self.person(session, rng, with_faces)

    def officer(self) -> None:
        session = self.session(f"Token {self.token}")
        while not self.stop.is_set():
            r = self.call(session, "GET /audit/head", "GET", "/audit/head")
            if r is not None and r.status_code == 200:
                head = r.json()
                with self.lock:
                    self.heads.setdefault(head["tree_size"], {**head, "seen_after_kill": self.killed_at is not None})
            self.stop.wait(0.5)


# --- The stack --------------------------------------------------------------------------------------------------
def stack_env(port: int, database_url: str, replica_url: str | None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port)}
    env.pop("DATABASE_REPLICA_URL", None)
    if replica_url:
        env["DATABASE_REPLICA_URL"] = replica_url
    return env


def start_stack(port: int, env: dict[str, str], log_file) -> Supervisor:
    children = stack_children(str(port), env)
    for child in children:
        child.spawn.update(stdout=log_file, stderr=log_file)
    supervisor = Supervisor(children)
    supervisor.start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return supervisor
        except requests.RequestException:
            pass
        supervisor.tick()
        time.sleep(0.5)
    raise RuntimeError("the stack was not healthy within 5 minutes")


def stop_stack(supervisor: Supervisor) -> None:
    """Stop the processes, and with them what they started (a Celery worker's pool: their process groups)."""
    supervisor.stop(timeout=5)
    for child in supervisor.children:
        try:
            os.killpg(child.started.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def kill_primary() -> None:
    """SIGKILL the primary's postmaster and every backend of it at once: the machine is lost."""
    pid = int((embedded.data_dir() / "pg" / "postmaster.pid").read_text().split()[0])
    postmaster = psutil.Process(pid)
    for proc in [postmaster, *postmaster.children(recursive=True)]:
        proc.send_signal(signal.SIGKILL)


# --- The outcome --------------------------------------------------------------------------------------------
def jobs_polled(clients: Clients, within: float = 120) -> dict[str, dict | None]:
    """Each accepted job as the API answers it once it has ended (or at the deadline); None when it is gone."""
    session = clients.session(f"Api-Key {clients.key}")
    final: dict[str, dict | None] = {}
    pending = dict(clients.jobs)
    deadline = time.monotonic() + within
    while pending and time.monotonic() < deadline:
        for pk, (kind, _) in list(pending.items()):
            r = session.get(f"{clients.base}/{kind}/{pk}", timeout=30)
            final[pk] = r.json() if r.status_code == 200 else None
            if r.status_code == 404 or (r.status_code == 200 and r.json().get("status") in ENDED):
                del pending[pk]
        time.sleep(1)
    return final


def outcome(clients: Clients, final: dict[str, dict | None]) -> dict:
    """Read straight from the new primary (Django on DATABASE_URL, which points there by now)."""
    import django

    django.setup()
    from consent.models import Consent, Subject
    from core.models import AuditEvent
    from matching.models import Enrollment, MatchJob

    present = {
        "subjects": Subject.objects.filter(pk__in=clients.acked["subjects"]),
        "grants": Consent.objects.filter(pk__in=clients.acked["grants"]),
        "withdrawals": Consent.objects.filter(pk__in=clients.acked["withdrawals"], withdrawn_at__isnull=False),
        "enrollments": Enrollment.objects.filter(pk__in=clients.acked["enrollments"]),
        "matches": MatchJob.objects.filter(pk__in=clients.acked["matches"]),
    }
    missing = {kind: len(set(clients.acked[kind])) - rows.count() for kind, rows in present.items()}
    ends = Counter(
        AuditEvent.objects.filter(object_id__in=list(clients.jobs), action__regex=r"\.(done|failed)$").values_list(
            "object_id", flat=True
        )
    )
    changed = [  # ended before the kill as a client saw it, and another ending now
        pk
        for pk, (kind, seen) in clients.jobs.items()
        if seen.get("status") in ENDED
        and (
            (body := final.get(pk)) is None
            or (body["status"], body.get("finished_at")) != (seen["status"], seen.get("finished_at"))
        )
    ]
    images = Enrollment.objects.filter(pk__in=clients.acked["enrollments"], image__isnull=False).count()
    images += MatchJob.objects.filter(pk__in=clients.acked["matches"], probe__isnull=False).count()
    return {
        "acknowledged": {kind: len(set(ids)) for kind, ids in clients.acked.items()},
        "missing": missing,
        "jobs_accepted": len(clients.jobs),
        "jobs_gone": sum(1 for pk in clients.jobs if final.get(pk) is None),
        "jobs_never_ended": sum(1 for body in final.values() if body and body.get("status") not in ENDED),
        "jobs_ended_twice": sum(1 for n in ends.values() if n > 1) + len(changed),
        "jobs_image_bytes_left": images,
    }


def errors_seen(clients: Clients) -> dict:
    killed_at = clients.killed_at
    assert killed_at is not None, "errors are counted after the kill"
    failed = [(t, status) for _, t, _, status in clients.answers if status >= 500]
    after = [t - killed_at for t, _ in failed if t >= killed_at]
    return {
        "answers": len(clients.answers),
        "errors_before_kill": sum(1 for t, _ in failed if t < killed_at),
        "http_5xx": sum(1 for _, s in failed if 500 <= s < 599 and s != 503),
        "http_503": sum(1 for _, s in failed if s == 503),
        "connection_errors": sum(1 for _, s in failed if s == 599),
        "seconds_with_errors": len({int(t) for t in after}),
        # From the kill to the first write acknowledged that was sent after the first failure (an answer already
        # on its way when the primary died is no sign of recovery).
        "first_write_acknowledged_after_kill_s": next(
            (
                round(t - killed_at, 2)
                for sent, t, name, s in clients.answers
                if after and sent > killed_at + min(after) and name.startswith("POST") and s < 300
            ),
            None,
        ),
        "errors_from_s": round(min(after), 2) if after else None,
        "errors_until_s": round(max(after), 2) if after else None,
    }


def heads_checked(clients: Clients) -> dict:
    """Each head a client kept, against the new tree: a signed head of that size there, and a consistency proof
    from it to the latest head that verifies with the kept root (RFC 9162 2.1.4.2)."""
    session = clients.session(f"Token {clients.token}")
    latest = session.get(f"{clients.base}/audit/head", timeout=30).json()
    bad: list[dict] = []
    for size, head in sorted(clients.heads.items()):
        if size > latest["tree_size"]:
            bad.append({"tree_size": size, "why": "longer than the new tree"})
            continue
        r = session.get(
            f"{clients.base}/audit/consistency", params={"from": size, "to": latest["tree_size"]}, timeout=60
        )
        if r.status_code != 200:
            bad.append({"tree_size": size, "why": f"no such head on the new primary ({r.status_code})"})
            continue
        proof = [bytes.fromhex(h) for h in r.json()["proof"]]
        first, second = bytes.fromhex(head["root_hash"]), bytes.fromhex(latest["root_hash"])
        if not (head_valid(head) and consistency_valid(size, latest["tree_size"], first, second, proof)):
            bad.append(
                {"tree_size": size, "why": "not a prefix of the new tree", "after_kill": head["seen_after_kill"]}
            )
    before = [h for h in clients.heads.values() if not h["seen_after_kill"]]
    return {
        "heads_kept": len(clients.heads),
        "heads_kept_before_kill": len(before),
        "largest_before_kill": max((h["tree_size"] for h in before), default=0),
        "new_tree_size": latest["tree_size"],
        "inconsistent": bad,
    }


def main() -> int:
    args = parse_args()
    shutil.rmtree(args.data_dir, ignore_errors=True)
    args.data_dir.mkdir(parents=True)
    os.environ["FACEGATE_DATA_DIR"] = str(args.data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE_URLS", "true")
    for name in ("DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URL"):
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = embedded.start_postgres()
    os.environ["REDIS_URL"] = embedded.start_redis()
    prepare()  # migrate before the copy: the standby starts with the schema
    replica_url = standby.start_standby(fresh=True)
    if args.sync_all:
        standby._primary_configure(embedded._pg_server(embedded.data_dir()), {"synchronous_commit": "on"})
    port = free_port()
    env = stack_env(port, os.environ["DATABASE_URL"], replica_url)
    stack_log = open(args.data_dir.parent / f"{args.data_dir.name}-stack.log", "ab")  # noqa: SIM115
    log(f"stack on port {port}, log {stack_log.name}")
    supervisor = start_stack(port, env, stack_log)
    result: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "uptime": os.getloadavg()}
    try:
        tenant = f"failover{time.time_ns() % 10**9}"
        manage(env, "create_tenant", tenant).check_returncode()
        key = manage(env, "create_api_key", "--tenant", tenant, "--purposes", "fraud_prevention").stdout.split()[-1]
        token = (
            manage(env, "create_officer", f"officer-{tenant}")
            .stdout.strip()
            .splitlines()[-1]
            .split("token:")[-1]
            .strip()
        )
        base = f"http://127.0.0.1:{port}/api/v1"
        notice = requests.post(
            f"{base}/notices",
            headers={"Authorization": f"Api-Key {key}"},
            json={"purpose": "fraud_prevention", "version": "failover", "text": "Failover bench notice."},
            timeout=30,
        ).json()["id"]
        clients = Clients(base, key, token, notice)
        threads = [threading.Thread(target=clients.officer, daemon=True)]
        threads += [threading.Thread(target=clients.client, args=(i, True), daemon=True) for i in range(args.clients)]
        threads += [
            threading.Thread(target=clients.client, args=(100 + i, False), daemon=True) for i in range(args.writers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        result["load_before_kill"] = os.getloadavg()
        clients.killed_at = time.monotonic()
        kill_primary()
        log("primary killed")
        standby.promote_standby()
        promoted = time.monotonic()
        stop_stack(supervisor)
        env = stack_env(port, replica_url, None)
        supervisor = start_stack(port, env, stack_log)
        healthy = time.monotonic()
        log(f"promoted in {promoted - clients.killed_at:.2f} s, stack healthy again after {healthy - promoted:.2f} s")
        time.sleep(args.after)
        clients.stop.set()
        for thread in threads:
            thread.join(120)
        os.environ["DATABASE_URL"] = replica_url
        os.environ.pop("DATABASE_REPLICA_URL", None)
        final = jobs_polled(clients)
        verify = manage(env, "verify_audit")
        result.update(
            promote_s=round(promoted - clients.killed_at, 2),
            stack_restart_s=round(healthy - promoted, 2),
            sync_all=args.sync_all,
            clients={"full": args.clients, "writers": args.writers, "seconds": args.seconds, "after": args.after},
            **outcome(clients, final),
            errors=errors_seen(clients),
            audit_verify={"returncode": verify.returncode, "output": (verify.stdout + verify.stderr).strip()},
            heads=heads_checked(clients),
        )
    finally:
        stop_stack(supervisor)
        standby.pg_ctl(standby.standby_dir(), "-m", "fast", "stop")
        embedded.stop_redis()
        stack_log.close()
    print(json.dumps(result, indent=2))
    runs = json.loads(args.json.read_text())["runs"] if args.json.exists() else []
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"runs": [*runs, result]}, indent=2) + "\n")
    log(f"appended to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
