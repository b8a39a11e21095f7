"""The web process's image check against the worker's decode, on a 116 KB-class 6320 x 6320 PNG (a near-limit
pixel count that compresses to almost nothing).

    python bench/image_check.py [--json bench/out/image_check.json]

Each path runs in a fresh process (peak RSS is per process): validate_image_bytes (what the API runs before
queueing) and decode_image (what the worker runs).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import io, os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django; django.setup()
from PIL import Image
from matching.images import decode_image, validate_image_bytes
buffer = io.BytesIO(); Image.new("L", (6320, 6320), 128).save(buffer, "PNG", optimize=True); data = buffer.getvalue()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter(); {call}(data); seconds = time.perf_counter() - start
print(len(data), seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", default=str(ROOT / "bench" / "out" / "image_check.json"))
    args = parser.parse_args()
    report = {}
    for call in ("validate_image_bytes", "decode_image"):
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(root=str(ROOT), call=call)], capture_output=True, text=True, check=True
        ).stdout.split()
        size, seconds, peak_mb = int(out[0]), float(out[1]), float(out[2])
        report[call] = {"png_bytes": size, "seconds": round(seconds, 3), "peak_rss_added_mb": round(peak_mb, 1)}
        print(f"{call:22s} {size / 1024:7.1f} KB PNG  {seconds * 1000:8.1f} ms  +{peak_mb:6.1f} MB peak RSS")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
