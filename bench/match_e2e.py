"""End-to-end match latency: POST /api/v1/matches with `wait` on a 250x250 photo, answered by a real worker.

    FACEGATE_DATA_DIR=/tmp/fg-bench python bench/match_e2e.py --faces ../shared/faces/people --requests 40

A bench tenant enrols one photo of each person (in this process), then a Celery worker process of its own
(prefork, 2 processes, all queues, as `make run` starts it) answers --requests matches of other photos, each
centre-cropped and scaled to 250x250 JPEG, one at a time, after --warm requests that are not counted. The request
goes through the real API view (Django's test client, in this process, no HTTP server); `wait` is woken by the
worker's NOTIFY. Where the time goes, from the job row's clocks and timings (one machine, one clock) and the
moment a listener of this process receives the job's NOTIFY:
  api_in      request start -> job row created (parse, key, image check, INSERT)
  queued      job created -> worker marks it running (commit, enqueue, broker, the worker's claim)
  decode, detect_embed, search          the worker's own timings
  worker_rest the rest of the worker until the job's end is written (claim, gate re-check, results)
  commit      job's end written -> its NOTIFY received (audit event, commit)
  wake        NOTIFY received -> the API's answer returned (wake-up, read, serialize)
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.stack import percentile  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from consent import services as consent_services  # noqa: E402
from consent.models import Tenant  # noqa: E402
from core.audit import Actor  # noqa: E402
from matching.models import JOB_DONE_CHANNEL, MatchJob  # noqa: E402
from matching.services import enrollments  # noqa: E402

ACTOR = Actor.system("bench/match_e2e.py")
PURPOSE = "fraud_prevention"


def photo_250(path: Path) -> bytes:
    image = cv2.imread(str(path))
    assert image is not None, f"cv2 cannot read {path}"
    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    image = cv2.resize(image[top : top + side, left : left + side], (250, 250), interpolation=cv2.INTER_AREA)
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


class Notices(threading.Thread):
    """The moment each job's NOTIFY reaches a listener: the worker's commit, as a client sees it."""

    def __init__(self):
        super().__init__(daemon=True)
        db = settings.DATABASES["default"]
        self.conn = psycopg.connect(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], autocommit=True
        )
        self.conn.execute(f"LISTEN {JOB_DONE_CHANNEL}")
        self.seen: dict[str, float] = {}

    def run(self):
        while True:
            select.select([self.conn.fileno()], [], [], 1.0)
            for note in self.conn.notifies(timeout=0):
                self.seen.setdefault(note.payload, time.time())


def pipeline_steps(probes: list[bytes]) -> dict:
    """The worker's face steps on the probes, alone, in this process (one core): what bounds a match's latency."""
    import dlib

    from matching import face
    from matching.images import decode_image

    m = face.models()
    steps: dict[str, list[float]] = {"decode": [], "hog": [], "landmarks_chips": [], "resnet_2_chips": []}
    for image in probes:
        t0 = time.perf_counter()
        pixels = decode_image(image)
        t1 = time.perf_counter()
        rects, _, _ = m.detector.run(pixels, 0)
        t2 = time.perf_counter()
        if not len(rects):
            continue
        chip = dlib.get_face_chip(
            pixels, m.shape_predictor(pixels, rects[0]), size=face.CHIP_SIZE, padding=face.CHIP_PADDING
        )
        t3 = time.perf_counter()
        m.recognizer.compute(np.stack([chip, chip[:, ::-1]]))
        t4 = time.perf_counter()
        for name, ms in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            steps[name].append(ms * 1000)
    return {name: {"p50": percentile(v, 50), "p95": percentile(v, 95)} for name, v in steps.items()}


STEPS: tuple[str, ...] = ("wall_ms", "api_in_ms", "queued_ms", "decode_ms", "detect_embed_ms", "search_ms")
STEPS += ("worker_rest_ms", "commit_ms", "wake_ms", "worker_ms")


def breakdown(job: MatchJob, notices: Notices, at: float, answered: float, wall: float) -> dict:
    t = job.timings
    assert job.started_at is not None and job.finished_at is not None, "a finished job's"
    notified = notices.seen.get(str(job.pk), answered)
    own = sum(t.get(name) or 0 for name in ("decode_ms", "detect_embed_ms", "search_ms"))
    return {
        "wall_ms": wall,
        "api_in_ms": (job.created_at.timestamp() - at) * 1000,
        "queued_ms": t.get("queued_ms"),
        "decode_ms": t.get("decode_ms"),
        "detect_embed_ms": t.get("detect_embed_ms"),
        "search_ms": t.get("search_ms"),
        "worker_rest_ms": (job.finished_at - job.started_at).total_seconds() * 1000 - own,
        "commit_ms": (notified - job.finished_at.timestamp()) * 1000,
        "wake_ms": (answered - notified) * 1000,
        "worker_ms": t.get("total_ms"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=Path, default=ROOT.parent / "shared" / "faces" / "people")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warm", type=int, default=3, help="requests not counted (the worker's first ones)")
    parser.add_argument("--settle", type=float, default=20, help="seconds between the worker's start and requests")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    Tenant.objects.filter(slug="bench-e2e").update(slug=f"bench-e2e-old-{int(time.time())}")
    tenant, _ = consent_services.tenant_create(slug="bench-e2e", actor=ACTOR)
    _, key = consent_services.api_key_create(tenant=tenant, purposes=[PURPOSE], actor=ACTOR)
    notice = consent_services.notice_create(tenant=tenant, purpose=PURPOSE, version="1", text="bench", actor=ACTOR)
    people = sorted(p for p in args.faces.iterdir() if p.is_dir() and len(list(p.iterdir())) >= 2)
    probes = []
    for i, person in enumerate(people):
        photos = sorted(person.iterdir())
        subject = consent_services.subject_create(
            tenant=tenant, external_ref=f"e2e-{i}", jurisdiction="GB", actor=ACTOR
        )
        consent_services.consent_grant(
            subject=subject, purpose=PURPOSE, notice=notice, method="electronic_signature", actor=ACTOR
        )
        enrollment = enrollments.enrollment_create(
            subject=subject, api_key=None, image=photo_250(photos[0]), largest_face=True, actor=ACTOR
        )
        enrollments.enrollment_run(enrollment_id=enrollment.pk)
        probes += [photo_250(p) for p in photos[1:]]
    print(f"enrolled {len(people)} people; {len(probes)} probe photos", flush=True)
    steps = pipeline_steps(probes)
    print(f"face steps alone (one core, ms): {steps}", flush=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--concurrency", "2",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
    )  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Api-Key {key}")
    notices = Notices()
    notices.start()
    rows, first = [], None
    try:
        while not celery_app.control.ping(timeout=1.0):  # the worker is up ...
            pass
        time.sleep(args.settle)  # ... and has had the time to start its processes, as a long-running one has
        for i in range(args.requests + args.warm):
            image = probes[i % len(probes)]
            started, at = time.perf_counter(), time.time()
            response = client.post(
                "/api/v1/matches",
                {"image": SimpleUploadedFile("probe.jpg", image, "image/jpeg"), "purpose": PURPOSE, "wait": 30},
            )
            wall, answered = (time.perf_counter() - started) * 1000, time.time()
            if i == 0:
                first = wall  # the first match a worker process takes: whatever it loads on first use shows here
            if i < args.warm:
                continue
            rows.append(breakdown(MatchJob.objects.get(pk=response.json()["id"]), notices, at, answered, wall))
            rows[-1]["status"] = response.status_code
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    summary = {"requests": len(rows), "answered_200": sum(r["status"] == 200 for r in rows), "first_ms": first}
    summary["face_steps_alone"] = steps
    print(f"first match: {first:.0f} ms", flush=True)
    for name in STEPS:
        values = [r[name] for r in rows if r[name] is not None]
        summary[name] = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        print(f"{name:>16}: p50 {summary[name]['p50']} ms, p95 {summary[name]['p95']} ms", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
