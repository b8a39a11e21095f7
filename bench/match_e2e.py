"""End-to-end match latency: POST /api/v1/matches with `wait` on a 250x250 photo, answered by a real worker.

    FACEGATE_DATA_DIR=/tmp/fg-bench python bench/match_e2e.py --faces ../shared/faces/people --requests 40

A bench tenant enrols one photo of each person (in this process), then a Celery worker process of its own
(prefork, 2 processes) answers --requests matches of other photos, each
centre-cropped and scaled to 250x250 JPEG. The request goes through the real API view (Django's test client, in
this process, no HTTP server); `wait` is woken by the worker's NOTIFY. Where the time goes comes from the job's
own timings: queued (created -> worker start), decode, detect+embed, search, the rest of the worker's
transaction (gate re-check, write, commit) and the wake-up (commit -> the API's answer).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from consent import services as consent_services  # noqa: E402
from consent.models import Tenant  # noqa: E402
from core.audit import Actor  # noqa: E402
from matching.models import MatchJob  # noqa: E402
from matching.services import enrolments  # noqa: E402

ACTOR = Actor.system("bench/match_e2e.py")
PURPOSE = "fraud_prevention"


def photo_250(path: Path) -> bytes:
    image = cv2.imread(str(path))
    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    image = cv2.resize(image[top : top + side, left : left + side], (250, 250), interpolation=cv2.INTER_AREA)
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()


def pct(values, q):
    return round(float(np.percentile(values, q)), 1) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=Path, default=ROOT.parent / "shared" / "faces" / "people")
    parser.add_argument("--requests", type=int, default=40)
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
        enrollment = enrolments.enrollment_create(
            subject=subject, api_key=None, image=photo_250(photos[0]), largest_face=True, actor=ACTOR
        )
        enrolments.enrollment_run(enrollment_id=enrollment.pk)
        probes += [photo_250(p) for p in photos[1:]]
    print(f"enrolled {len(people)} people; {len(probes)} probe photos", flush=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--concurrency", "2",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
    )  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Api-Key {key}")
    rows = []
    try:
        for i in range(args.requests + 3):  # the first 3 warm the worker processes up (model load)
            image = probes[i % len(probes)]
            started = time.perf_counter()
            response = client.post(
                "/api/v1/matches",
                {"image": SimpleUploadedFile("probe.jpg", image, "image/jpeg"), "purpose": PURPOSE, "wait": 30},
            )
            wall = (time.perf_counter() - started) * 1000
            if i < 3:
                continue
            job = MatchJob.objects.get(pk=response.json()["id"])
            t = job.timings
            rows.append(
                {
                    "status": response.status_code,
                    "wall_ms": wall,
                    "queued_ms": t.get("queued_ms"),
                    "decode_ms": t.get("decode_ms"),
                    "detect_embed_ms": t.get("detect_embed_ms"),
                    "search_ms": t.get("search_ms"),
                    "worker_ms": t.get("total_ms"),
                    "wake_ms": wall - (job.finished_at - job.created_at).total_seconds() * 1000,
                }
            )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    summary = {"requests": len(rows), "answered_200": sum(r["status"] == 200 for r in rows)}
    for name in ("wall_ms", "queued_ms", "decode_ms", "detect_embed_ms", "search_ms", "worker_ms", "wake_ms"):
        values = [r[name] for r in rows if r[name] is not None]
        summary[name] = {"p50": pct(values, 50), "p95": pct(values, 95)}
        print(f"{name:>16}: p50 {summary[name]['p50']} ms, p95 {summary[name]['p95']} ms", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
