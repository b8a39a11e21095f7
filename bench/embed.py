"""Faces per second of Facegate's enrolment pipeline against plain DeepFace.represent, same images, same run.

    python bench/embed.py [folder] [--repeats 3] [--limit N] [--json out.json]

Ours: decode_image (checks, EXIF, downscale) + faces_in (HOG at upsample 0, retried at 1; landmark-aligned chip
and its mirror; the Dlib ResNet under ONNX Runtime). Plain: DeepFace.represent(model_name="Dlib",
detector_backend="dlib", align=True) given the pixels our decoder produced (so it never pays for our decoding,
nor for full-size photos). Both run in this one process on one core, alternating, after a warm-up; figures are
medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()  # installs the model weights (matching.apps), so nothing is downloaded

import numpy as np  # noqa: E402

from matching import face  # noqa: E402
from matching.evaluation import IMAGE_SUFFIXES  # noqa: E402
from matching.images import decode_image  # noqa: E402


def ours(data: bytes) -> int:
    return len(face.faces_in(decode_image(data)))


def plain(pixels_bgr: np.ndarray) -> int:
    from deepface import DeepFace

    try:
        return len(DeepFace.represent(pixels_bgr, model_name="Dlib", detector_backend="dlib", align=True))
    except ValueError:  # DeepFace's "Face could not be detected"
        return 0


def timed(fn, items) -> tuple[float, int]:
    started = time.perf_counter()
    faces = sum(fn(item) for item in items)
    return time.perf_counter() - started, faces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT.parent / "shared" / "faces" / "people")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, help="use the first N photos only")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args()

    paths = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)[: args.limit]
    if not paths:
        parser.error(f"no photos under {args.folder}")
    blobs = [p.read_bytes() for p in paths]
    pixels_bgr = [np.ascontiguousarray(decode_image(b)[:, :, ::-1]) for b in blobs]
    ours(blobs[0]), plain(pixels_bgr[0])  # load the models outside the timings

    runs: dict[str, list[tuple[float, int]]] = {"facegate": [], "deepface": []}
    for _ in range(args.repeats):
        runs["facegate"].append(timed(ours, blobs))
        runs["deepface"].append(timed(plain, pixels_bgr))

    result = {"images": len(paths), "folder": str(args.folder), "repeats": args.repeats}
    for name, measured in runs.items():
        seconds = statistics.median(s for s, _ in measured)
        faces = measured[0][1]
        result[name] = {
            "seconds": round(seconds, 3),
            "faces": faces,
            "images_per_second": round(len(paths) / seconds, 2),
            "faces_per_second": round(faces / seconds, 2),
        }
    result["speedup_faces_per_second"] = round(
        result["facegate"]["faces_per_second"] / result["deepface"]["faces_per_second"], 2
    )
    result["speedup_images_per_second"] = round(
        result["facegate"]["images_per_second"] / result["deepface"]["images_per_second"], 2
    )

    print(f"{len(paths)} photos from {args.folder}, median of {args.repeats} runs, one process")
    print(f"{'pipeline':<52} {'faces':>6} {'s':>8} {'images/s':>9} {'faces/s':>8}")
    labels = {
        "facegate": "facegate (decode_image + faces_in)",
        "deepface": "DeepFace.represent(Dlib, dlib, align=True)",
    }
    for name, label in labels.items():
        r = result[name]
        print(
            f"{label:<52} {r['faces']:>6} {r['seconds']:>8.2f} {r['images_per_second']:>9.2f} "
            f"{r['faces_per_second']:>8.2f}"
        )
    print(f"speed-up: {result['speedup_faces_per_second']}x faces/s, {result['speedup_images_per_second']}x images/s")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
