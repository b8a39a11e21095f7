"""Bulk enrolment throughput: `manage.py import_faces` on people of an LFW-layout folder, against the worker alone.

    make services
    .venv/bin/python bench/import_faces.py --faces ../shared/faces/lfw-calibration --people 300 \
        --json docs/bench/import-faces.json

The first --people folders (sorted by name) are linked, not copied, into a temporary folder; a consent CSV gives
each an explicit opt-in to fraud_prevention under a fresh notice of a fresh tenant. A Celery worker of its own
(prefork, --concurrency processes, as `make run` starts it) runs the enrolments; the command runs as a user runs
it, in a process of its own. Printed and written:
  import        photos/s of the command (photos submitted / its wall time, subjects and consents included)
  worker        photos/s of the worker over the same run: enrolments / (first start -> last end), from the rows;
                the command keeps enrolments waiting (queued_s), so the worker never runs dry and this is its own
                throughput on this machine now; import / worker is the share of it the command reaches
  busy bound    concurrency / mean time a job held a worker process (started -> finished): the rate without
                Celery's and the job's own claim and commit around that window
  refusals      by reason, and the rerun: seconds to find every photo done (all skipped, nothing enrolled)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from config.celery import app as celery_app  # noqa: E402
from consent import services as consent_services  # noqa: E402
from core.audit import Actor  # noqa: E402
from matching.models import Enrollment  # noqa: E402

ACTOR = Actor.system("bench/import_faces.py")
PURPOSE = "fraud_prevention"


def import_run(folder: Path, slug: str, consents: Path, out: Path) -> dict:
    command = [sys.executable, "manage.py", "import_faces", str(folder), "--tenant", slug,
               "--consents", str(consents), "--json", str(out)]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=True)
    return json.loads(out.read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", type=Path, required=True, help="an LFW-layout folder: one folder per person")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    slug = f"bench-import-{int(time.time())}"
    tenant, _ = consent_services.tenant_create(slug=slug, name=slug, actor=ACTOR)
    notice = consent_services.notice_create(
        tenant=tenant, purpose=PURPOSE, version="1", text=f"Bench notice {slug}", actor=ACTOR
    )
    people = sorted(p for p in args.faces.iterdir() if p.is_dir())[: args.people]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--concurrency", str(args.concurrency),
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
    )  # fmt: skip
    try:
        while not celery_app.control.ping(timeout=1.0):
            pass
        time.sleep(10)  # the worker's processes load the face models as they start
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "photos"
            folder.mkdir()
            for person in people:
                (folder / person.name).symlink_to(person.resolve())
            consents = Path(tmp) / "consents.csv"
            with consents.open("w", newline="") as file:
                writer = csv.writer(file)
                writer.writerow(["external_ref", "jurisdiction", "purpose", "notice", "method", "evidence"])
                for person in people:
                    writer.writerow([person.name, "GB", PURPOSE, notice.version, "explicit_opt_in", "{}"])
            first = import_run(folder, slug, consents, Path(tmp) / "first.json")
            started = time.monotonic()
            rerun = import_run(folder, slug, consents, Path(tmp) / "rerun.json")
            rerun_s = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)

    finished = Enrollment.objects.filter(tenant=tenant, started_at__isnull=False, finished_at__isnull=False)
    # (created, started, finished) of each job; the None test only tells mypy what the filter already did
    jobs = [(e.created_at, e.started_at, e.finished_at) for e in finished if e.started_at and e.finished_at]
    held = [(end - start).total_seconds() for _, start, end in jobs]
    queued = [(start - created).total_seconds() for created, start, _ in jobs]
    span = (max(end for *_, end in jobs) - min(start for _, start, _ in jobs)).total_seconds()
    worker_rate = len(jobs) / span
    load = os.getloadavg()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    result = {
        "command": "bench/import_faces.py " + " ".join(sys.argv[1:]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit.stdout.strip(),
        "people": len(people),
        "concurrency": args.concurrency,
        "import": first,
        "worker_photos_per_second": round(worker_rate, 2),
        "worker_busy_bound_photos_per_second": round(args.concurrency / statistics.mean(held), 2),
        "worker_job_s": {"mean": round(statistics.mean(held), 3), "p50": round(statistics.median(held), 3)},
        "queued_s": {"mean": round(statistics.mean(queued), 2), "p50": round(statistics.median(queued), 2)},
        "import_share_of_worker": round(first["photos_per_second"] / worker_rate, 3),
        "rerun": {
            "wall_s": round(rerun_s, 2),
            "import_s": rerun["seconds"],
            "skipped": rerun["skipped"],
            "enrolled": rerun["enrolled"],
        },
        "load_average_1m_at_end": round(load, 1),
    }
    print(json.dumps({k: v for k, v in result.items() if k != "import"}, indent=2))
    print(f"import: {first['photos_per_second']} photos/s; refusals: {first['refusals']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
