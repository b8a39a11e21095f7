"""Accuracy evaluation of the enrolment pipeline on a folder of identities (LFW layout).

Each photo goes through exactly what enrolment does (decode_image, then faces_in, largest face). A pair whose
photo has no detectable face counts as "different" (a miss for a genuine pair), as it would in production.
Verification accuracy follows the LFW protocol: ten folds, the threshold chosen on nine and tested on the tenth.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from core.errors import DomainError
from matching import face
from matching.images import decode_image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
NO_FACE_DISTANCE = 2.0  # the largest cosine distance: never within any threshold
FOLDS = 10
FAR_TARGET = 0.001


class EvaluationError(Exception):
    """The folder or pairs file cannot be evaluated."""


@dataclass
class Report:
    images: int
    identities: int
    detected_fraction: float
    pairs: int
    genuine_pairs: int
    impostor_pairs: int
    accuracy: float
    accuracy_std: float
    tar_at_far_0_001: float
    threshold: float
    fold_thresholds_mean: float  # the threshold chosen on the nine other folds, averaged over the ten
    fold_thresholds_std: float
    fixed_threshold: float | None  # a given threshold (the service's VERIFY_THRESHOLD), not tuned on these pairs
    fixed_accuracy: float | None  # per-fold accuracy at it, averaged
    fixed_accuracy_std: float | None
    images_per_second: float
    model: str
    detector: str
    protocol: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Pair:
    a: Path
    b: Path
    same: bool
    fold: int


def identities_in(folder: Path) -> dict[str, list[Path]]:
    """Person name -> photos. A folder with a `people/` sub-folder (../shared/faces) is read from there."""
    root = folder / "people" if (folder / "people").is_dir() else folder
    found = {}
    for person in sorted(p for p in root.iterdir() if p.is_dir()):
        photos = sorted(p for p in person.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if photos:
            found[person.name] = photos
    if not found:
        raise EvaluationError(f"{folder} holds no sub-folders of photos (one sub-folder per person)")
    return found


def pairs_from_file(folder: Path, pairs_file: Path) -> list[Pair]:
    """LFW pairs.txt: first line "<folds> <pairs per class>" then per fold that many genuine
    ("name n1 n2") and impostor ("name1 n1 name2 n2") lines; photos are <name>/<name>_<n:04d>.jpg."""
    root = folder / "people" if (folder / "people").is_dir() else folder
    lines = [line.split() for line in pairs_file.read_text().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    if len(header) == 2:
        folds, per_class = int(header[0]), int(header[1])
        if len(rows) != folds * per_class * 2:
            raise EvaluationError(f"{pairs_file}: header says {folds}x{per_class}x2 pairs, found {len(rows)}")
        fold_of = [i // (per_class * 2) for i in range(len(rows))]
    else:  # a single set ("pairsDevTest.txt"): folds assigned round-robin
        fold_of = [i % FOLDS for i in range(len(rows))]

    def photo(name: str, number: str) -> Path:
        return root / name / f"{name}_{int(number):04d}.jpg"

    pairs = []
    for row, fold in zip(rows, fold_of, strict=True):
        if len(row) == 3:
            pairs.append(Pair(photo(row[0], row[1]), photo(row[0], row[2]), True, fold))
        elif len(row) == 4:
            pairs.append(Pair(photo(row[0], row[1]), photo(row[2], row[3]), False, fold))
        else:
            raise EvaluationError(f"{pairs_file}: cannot read the line {' '.join(row)!r}")
    missing = sorted({str(p) for pair in pairs for p in (pair.a, pair.b) if not p.is_file()})
    if missing:
        raise EvaluationError(f"{len(missing)} photos named in {pairs_file} are missing, e.g. {missing[0]}")
    return pairs


def sampled_pairs(identities: dict[str, list[Path]], seed: int = 0) -> list[Pair]:
    """Every genuine pair and as many impostor pairs, sampled with a fixed seed; folds dealt round-robin."""
    rng = random.Random(seed)
    genuine = [(a, b) for photos in identities.values() for a, b in itertools.combinations(photos, 2)]
    if not genuine:
        raise EvaluationError("no person has two photos: there is no genuine pair to evaluate")
    if len(identities) < 2:
        raise EvaluationError("one person only: there is no impostor pair to evaluate")
    owner = {p: name for name, photos in identities.items() for p in photos}
    photos = list(owner)
    impostor: set[tuple[Path, Path]] = set()
    n_impostor_possible = (len(photos) ** 2 - sum(len(v) ** 2 for v in identities.values())) // 2
    while len(impostor) < min(len(genuine), n_impostor_possible):
        a, b = rng.sample(photos, 2)
        if owner[a] != owner[b]:
            impostor.add((min(a, b), max(a, b)))
    rng.shuffle(genuine)
    impostor_list = sorted(impostor)
    rng.shuffle(impostor_list)
    return [Pair(a, b, True, i % FOLDS) for i, (a, b) in enumerate(genuine)] + [
        Pair(a, b, False, i % FOLDS) for i, (a, b) in enumerate(impostor_list)
    ]


def embed_largest_face(data: bytes) -> list[float] | None:
    """The enrolment path: decode, detect, keep the largest face. None when no face (or an unreadable file)."""
    try:
        faces = face.faces_in(decode_image(data))
    except DomainError:
        return None
    return faces[0].embedding if faces else None


def best_threshold(distances: np.ndarray, same: np.ndarray) -> float:
    """The distance threshold (accept when distance <= threshold) with the highest accuracy on these pairs."""
    order = np.argsort(distances, kind="stable")
    d, s = distances[order], same[order]
    # Accepting the first k pairs: correct = genuine among them + impostors after them.
    correct = np.concatenate([[0], np.cumsum(s)]) + np.concatenate([[(~s).sum()], (~s).sum() - np.cumsum(~s)])
    # Only cut between distinct distances.
    valid = np.concatenate([[True], d[1:] > d[:-1], [True]])
    correct = np.where(valid, correct, -1)
    k = int(np.argmax(correct))
    if k == 0:
        return float(d[0] - 1e-6)
    if k == len(d):
        return float(d[-1])
    return float((d[k - 1] + d[k]) / 2)


def tar_at_far(distances: np.ndarray, same: np.ndarray, far: float = FAR_TARGET) -> float:
    """Genuine acceptance rate at the loosest threshold whose impostor acceptance rate is at most `far`."""
    impostor = np.sort(distances[~same])
    allowed = int(np.floor(far * len(impostor)))  # impostors that may be accepted
    if allowed >= len(impostor):
        return 1.0
    cut = impostor[allowed]  # accept strictly below the first impostor that must be refused
    return float(np.mean(distances[same] < cut))


def ten_fold(distances: np.ndarray, same: np.ndarray, folds: np.ndarray) -> tuple[list[float], list[float]]:
    accuracies, thresholds = [], []
    for fold in np.unique(folds):
        train, test = folds != fold, folds == fold
        threshold = best_threshold(distances[train], same[train])
        accuracies.append(float(np.mean((distances[test] <= threshold) == same[test])))
        thresholds.append(threshold)
    return accuracies, thresholds


def evaluate(
    folder: Path,
    pairs_file: Path | None = None,
    *,
    embed: Callable[[bytes], list[float] | None] = embed_largest_face,
    progress: Callable[[int, int], None] | None = None,
    seed: int = 0,
    fixed_threshold: float | None = None,
) -> Report:
    folder = Path(folder)
    if not folder.is_dir():
        raise EvaluationError(f"{folder} is not a folder")
    if pairs_file is not None:
        pairs = pairs_from_file(folder, Path(pairs_file))
        protocol = f"LFW pairs file {Path(pairs_file).name}"
        identities = len({p.parent.name for pair in pairs for p in (pair.a, pair.b)})
    else:
        people = identities_in(folder)
        pairs = sampled_pairs(people, seed=seed)
        protocol = "all genuine pairs + as many sampled impostor pairs"
        identities = len(people)

    photos = sorted({p for pair in pairs for p in (pair.a, pair.b)})
    embeddings: dict[Path, np.ndarray | None] = {}
    started = time.perf_counter()
    for i, photo in enumerate(photos, 1):
        vector = embed(photo.read_bytes())
        embeddings[photo] = None if vector is None else np.asarray(vector, dtype=np.float64)
        if progress:
            progress(i, len(photos))
    elapsed = time.perf_counter() - started

    distances = np.array(
        [
            NO_FACE_DISTANCE
            if embeddings[p.a] is None or embeddings[p.b] is None
            else face.distance(embeddings[p.a], embeddings[p.b])
            for p in pairs
        ]
    )
    same = np.array([p.same for p in pairs])
    folds = np.array([p.fold for p in pairs])
    accuracies, thresholds = ten_fold(distances, same, folds)
    fixed = None
    if fixed_threshold is not None:
        fixed = [
            float(np.mean((distances[folds == f] <= fixed_threshold) == same[folds == f])) for f in np.unique(folds)
        ]
    return Report(
        images=len(photos),
        identities=identities,
        detected_fraction=sum(v is not None for v in embeddings.values()) / len(photos),
        pairs=len(pairs),
        genuine_pairs=int(same.sum()),
        impostor_pairs=int((~same).sum()),
        accuracy=float(np.mean(accuracies)),
        accuracy_std=float(np.std(accuracies)),
        tar_at_far_0_001=tar_at_far(distances, same),
        threshold=best_threshold(distances, same),
        fold_thresholds_mean=float(np.mean(thresholds)),
        fold_thresholds_std=float(np.std(thresholds)),
        fixed_threshold=fixed_threshold,
        fixed_accuracy=None if fixed is None else float(np.mean(fixed)),
        fixed_accuracy_std=None if fixed is None else float(np.std(fixed)),
        images_per_second=len(photos) / elapsed if elapsed > 0 else 0.0,
        model=face.MODEL_NAME,
        detector=face.DETECTOR_NAME,
        protocol=protocol,
    )
