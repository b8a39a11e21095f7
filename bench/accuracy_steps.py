"""Each step from plain DeepFace.represent to Facegate's pipeline, measured with the `evaluate` protocol.

    python bench/accuracy_steps.py [folder] [--steps plain,chain,...] [--json out.json]

Every step runs matching.evaluation.evaluate (same pairs, same 10 folds) with a different embedding function;
the last step is the production path (matching.face.faces_in). Besides the 10-fold accuracy it prints, over
ALL pairs of the folder, the balanced error at the best threshold and the TAR at FAR 0.001 (thousands of
impostor pairs instead of the few hundred the protocol samples), which separate the steps better on a small set.
Speeds are single-process images/s and vary with the machine's load; bench/embed.py gives the fair ratio.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import dlib  # noqa: E402
import numpy as np  # noqa: E402

from core.errors import DomainError  # noqa: E402
from matching import evaluation, face  # noqa: E402
from matching.images import decode_image  # noqa: E402


def plain(data: bytes):
    from deepface import DeepFace

    try:
        found = DeepFace.represent(
            decode_image(data)[:, :, ::-1].copy(), model_name="Dlib", detector_backend="dlib", align=True
        )
    except (DomainError, ValueError):
        return None
    return max(found, key=lambda f: f["facial_area"]["w"] * f["facial_area"]["h"])["embedding"]


def chain(upsamples: tuple[int, ...], mirror: bool):
    """HOG (the given upsamplings, first that finds a face) -> 5 landmarks -> 150 px chip -> Dlib ResNet."""
    m = face.models()

    def embed(data: bytes):
        try:
            image = decode_image(data)
        except DomainError:
            return None
        rects: Any = next((r for r in (m.detector(image, up) for up in upsamples) if len(r)), [])  # dlib's rectangles
        if not rects:
            return None
        rect = max(rects, key=lambda r: r.area())
        chip = dlib.get_face_chip(image, m.shape_predictor(image, rect), size=150, padding=0.25)
        chips = np.stack([chip, chip[:, ::-1]] if mirror else [chip])
        return m.recognizer.compute(chips).astype(np.float64).mean(axis=0).tolist()

    return embed


STEPS = {
    "plain": ("DeepFace.represent(Dlib, dlib, align=True)", plain),
    "chain": ("dlib chain: HOG upsample 1 -> chip -> ResNet", chain((1,), False)),
    "up0": ("+ HOG upsample 0 first, 1 only when nothing found", chain((0, 1), False)),
    "mirror": ("+ mirror chip averaged (one batch)", chain((0, 1), True)),
    "faces_in": ("+ L2-normalised, CNN fallback: matching.face.faces_in", evaluation.embed_largest_face),
}


def all_pairs(embeddings: dict[Path, list | None], owner: dict[Path, str]) -> tuple[float, float]:
    distances, same = [], []
    for a, b in itertools.combinations(embeddings, 2):
        missing = embeddings[a] is None or embeddings[b] is None
        distances.append(evaluation.NO_FACE_DISTANCE if missing else face.distance(embeddings[a], embeddings[b]))
        same.append(owner[a] == owner[b])
    d, s = np.array(distances), np.array(same)
    balanced_error = min(((d[s] > t).mean() + (d[~s] <= t).mean()) / 2 for t in np.unique(d))
    return float(balanced_error), evaluation.tar_at_far(d, s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT.parent / "shared" / "faces")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of {', '.join(STEPS)}")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    people = evaluation.identities_in(args.folder)
    owner = {p: name for name, photos in people.items() for p in photos}
    rows = []
    print(
        f"{'step':<58} {'acc %':>6} {'± %':>5} {'found %':>7} {'thr':>6} {'all-pairs BER %':>15} "
        f"{'TAR@FAR.001 %':>13} {'img/s':>6}"
    )
    for key in args.steps.split(","):
        label, embed = STEPS[key]
        seen: dict[bytes, list | None] = {}

        def remember(data: bytes, embed=embed, seen=seen):
            seen[data] = embed(data)
            return seen[data]

        report = evaluation.evaluate(args.folder, embed=remember)
        embeddings = {p: seen[p.read_bytes()] if p.read_bytes() in seen else embed(p.read_bytes()) for p in owner}
        ber, tar = all_pairs(embeddings, owner)
        row = {
            "step": key,
            "label": label,
            **report.as_dict(),
            "all_pairs_balanced_error": ber,
            "all_pairs_tar_at_far_0_001": tar,
        }
        rows.append(row)
        print(
            f"{label:<58} {report.accuracy * 100:>6.2f} {report.accuracy_std * 100:>5.2f} "
            f"{report.detected_fraction * 100:>7.1f} {report.threshold:>6.4f} {ber * 100:>15.2f} "
            f"{tar * 100:>13.2f} {report.images_per_second:>6.2f}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
