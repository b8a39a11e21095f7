"""Rebuild tests/faces from the full set in ../shared/faces: `python tests/faces/make_copies.py [SOURCE]`.

Only the photos the tests use are copied. JPEGs are turned upright (EXIF), downscaled to SIDE px on the long
side and saved without metadata; the 150 px face-api.js crops are copied byte for byte. A few files keep a
larger size because a test depends on it (see SIZES).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent.parent / "shared" / "faces"
SIDE, QUALITY = 400, 85

PHOTOS = [
    # deepface (serengil/deepface, tests/unit/dataset)
    "people/df-01/img1.jpg",
    "people/df-01/img2.jpg",
    "people/df-01/img4.jpg",
    "people/df-01/img5.jpg",
    "people/df-01/img10.jpg",
    "people/df-01/img11.jpg",
    "people/df-02/img47.jpg",
    "people/df-02/img48.jpg",
    "people/df-02/img49.jpg",
    "people/df-02/img50.jpg",
    "people/df-02/img8.jpg",
    "people/df-02/img9.jpg",
    "people/df-03/img26.jpg",
    "people/df-03/img27.jpg",
    "people/df-05/img16.jpg",
    "people/df-05/img17.jpg",
    "group/couple.jpg",
    # face-api.js (justadudewhohacks/face-api.js, examples/images)
    *(f"people/{who}/{who}{n}.png" for who in ("amy", "bernadette", "howard", "leonard") for n in range(1, 6)),
    "people/penny/penny1.png",
    "people/sheldon/sheldon1.png",
    "group/bbt1.jpg",
    "group/bbt2.jpg",
    "group/bbt3.jpg",
]

# (long side, JPEG quality) where the default would change what a test checks:
SIZES = {
    "people/df-01/img10.jpg": (None, 80),  # test_face checks its face box against the 408x594 frame
    "group/bbt3.jpg": (None, 75),  # its ~72 px faces must stay under the HOG detector's 80 px window
    "group/bbt1.jpg": (480, 85),  # at 400 px one of its four faces is lost
}


def copy(source: Path, dest: Path, name: str) -> None:
    src, out = source / name, dest / name
    out.parent.mkdir(parents=True, exist_ok=True)
    if src.suffix == ".png":
        shutil.copyfile(src, out)
        return
    side, quality = SIZES.get(name, (SIDE, QUALITY))
    image = ImageOps.exif_transpose(Image.open(src)).convert("RGB")
    if side and max(image.size) > side:
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    image.save(out, "JPEG", quality=quality, optimize=True)


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    for name in PHOTOS:
        copy(source, HERE, name)
    files = sorted(p for p in HERE.rglob("*") if p.suffix in (".jpg", ".png"))
    print(f"{len(files)} photos, {sum(p.stat().st_size for p in files) / 1024:.0f} KB")
