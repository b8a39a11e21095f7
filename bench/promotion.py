"""Promotion during traffic: how long the shared partition is locked, and how long another tenant's work stalls.

    FACEGATE_DATA_DIR=/tmp/fg-promo python bench/promotion.py --size 100000 --json docs/bench/promotion.json

Loads one tenant of --size templates and --others small tenants (100 templates each) into the shared partition
(bench/search_data.py), builds the tenant's partition (matching.partitions.partition_build, not timed here), then
attaches it while a thread searches a small tenant and enrols (inserts a template) in it, in a loop, on its own
connection; it records its longest stall. Both ways on the same data: `before`, the attach of main before
issue 21 (`git show caa69ab:matching/partitions.py`: one transaction under ACCESS EXCLUSIVE), and `after`,
matching.partitions.partition_attach. The bench tenants are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.db import OperationalError, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.search_data import MODEL, PURPOSE, cleanup, load_mix, set_eligible  # noqa: E402
from matching import partitions, selectors  # noqa: E402
from matching.models import FaceTemplate  # noqa: E402

BEFORE_COMMIT = "caa69ab"


def old_partitions() -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{BEFORE_COMMIT}:matching/partitions.py"], capture_output=True, text=True, check=True
    ).stdout
    module = types.ModuleType("partitions_before")
    exec(compile(source, "partitions_before.py", "exec"), module.__dict__)  # noqa: S102 - our own file at a commit
    return module


class Traffic(threading.Thread):
    """A small tenant of the shared partition searching and enrolling (a template insert), back to back; the
    longest round is the stall."""

    def __init__(self, tenant, probe):
        super().__init__(daemon=True)
        self.tenant, self.probe = tenant, probe
        self.stop, self.longest, self.done, self.errors = threading.Event(), 0.0, 0, []

    def run(self):
        template = FaceTemplate.objects.filter(tenant_id=self.tenant.pk).first()
        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    self.round(template)
                except OperationalError as exc:  # a deadlock with the attach: counted, and the traffic goes on
                    self.errors.append(str(exc).splitlines()[0])
                self.longest = max(self.longest, time.perf_counter() - started)
                self.done += 1
        finally:
            connections.close_all()

    def round(self, template):
        with transaction.atomic():
            selectors.templates_nearest(
                tenant=self.tenant, purpose=PURPOSE, model=MODEL, at=timezone.now(), embedding=list(self.probe), k=5
            )
        with transaction.atomic():
            FaceTemplate.objects.create(
                tenant_id=template.tenant_id, subject_id=template.subject_id, model_name=MODEL, detector="dlib",
                embedding=list(self.probe), quality=1.0, quality_measures={}, source_sha256="0" * 64,
            )  # fmt: skip


def attach(way, tenant_id, traffic) -> dict:
    traffic.start()
    time.sleep(1)  # the traffic runs before the lock is asked for
    failures = []
    while True:  # the attach of before can lose a deadlock against the traffic's search; it is then run again
        started = time.perf_counter()
        try:
            timings = way.partition_attach(tenant_id=tenant_id) or {}
            break
        except OperationalError as exc:
            failures.append(str(exc).splitlines()[0])
            if len(failures) == 3:
                raise
    total = time.perf_counter() - started
    time.sleep(0.5)
    traffic.stop.set()
    traffic.join()
    return {
        **{k: round(v, 3) for k, v in timings.items()},
        "attach_total_s": round(total, 3),
        "attach_failures": failures,
        "traffic_longest_stall_s": round(traffic.longest, 3),
        "traffic_rounds": traffic.done,
        "traffic_errors": traffic.errors,
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=100)
    parser.add_argument("--json")
    args = parser.parse_args()
    rng = np.random.default_rng(20261204)
    out = {"size": args.size, "others": args.others, "shared_rows": args.size + 100 * args.others}
    for name, way in (("before", old_partitions()), ("after", partitions)):
        cleanup()
        benched, _ = load_mix([(args.size, 1), (100, args.others)], rng, timezone.now())
        big, small = benched[0], benched[1]
        set_eligible(small, 1.0)
        built = partitions.partition_build(tenant_id=big.tenant.pk)
        traffic = Traffic(small.tenant, small.data[0])
        out[name] = {"build_s": round(sum(built.values()), 1), **attach(way, big.tenant.pk, traffic)}
        print(name, json.dumps(out[name]), flush=True)
    cleanup()
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
