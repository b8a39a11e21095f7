"""Write an LFW-like copy of a folder of people: 250x250 JPEGs named <name>/<name>_<n:04d>.jpg, the face box
~105 px and centred, as in LFW. The accuracy and speed figures of docs/accuracy.md use it.

    python bench/lfw_like.py OUT [--source ../shared/faces/people] [--tilt 35]

--tilt turns every photo by ±N degrees (alternately), the copy HOG finds hardest.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from matching import evaluation, face  # noqa: E402
from matching.images import decode_image  # noqa: E402

SIDE, FACE = 250, 105


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "faces" / "people")
    parser.add_argument("--tilt", type=float, default=0.0)
    args = parser.parse_args()
    detector = face.models().detector
    written = 0
    for name, photos in evaluation.identities_in(args.source).items():
        (args.out / name).mkdir(parents=True, exist_ok=True)
        for n, photo in enumerate(photos, 1):
            pixels = decode_image(photo.read_bytes())
            rects = detector(pixels, 1)
            if not rects:
                print(f"skipped {photo}: no face at upsample 1")
                continue
            r = max(rects, key=lambda r: r.area())
            cx, cy, half = (r.left() + r.right()) / 2, (r.top() + r.bottom()) / 2, r.width() * SIDE / FACE / 2
            crop = Image.fromarray(pixels).crop((int(cx - half), int(cy - half), int(cx + half), int(cy + half)))
            crop = crop.resize((SIDE, SIDE), Image.Resampling.BICUBIC)
            if args.tilt:
                crop = crop.rotate(args.tilt if written % 2 else -args.tilt, resample=Image.Resampling.BICUBIC)
            crop.save(args.out / name / f"{name}_{n:04d}.jpg", quality=90)
            written += 1
    print(f"wrote {written} photos to {args.out}")


if __name__ == "__main__":
    main()
