"""The evaluation's embedding cache: each photo goes through the enrolment pipeline once, and rules are studied on
what it kept.

A photo is keyed by the SHA-256 of its bytes; a cache file holds one model, detector and pipeline version
(matching.face.PIPELINE_VERSION), so a changed pipeline never reads an old cache. Per photo it keeps every face
found (largest first): embedding, box, detector confidence and pass, landmarks, every quality measure, and the
aligned grey chip, so that quality measures can be studied offline. It lives under $FACEGATE_DATA_DIR, never in
the repository, and holds derived data of the evaluation photos only (never a tenant's).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sqlite3
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from core.errors import DomainError
from matching import face
from matching.images import decode_image

BATCH = 32  # photos per worker task, and per committed write
EMBEDDING_SIZE = 128


@dataclass(frozen=True)
class Photo:
    """What the pipeline found in one photo."""

    sha256: str
    faces: list[dict]  # per face, largest first: box, score, detector_pass, landmarks, quality
    embeddings: np.ndarray  # (faces, 128) float32
    chips: np.ndarray  # (faces, 150, 150) uint8 grey chips
    error: str | None  # the domain error code when the image could not be decoded

    @property
    def embedding(self) -> np.ndarray | None:
        """The largest face's embedding (what enrolment keeps), or None."""
        return self.embeddings[0].astype(np.float64) if len(self.faces) else None


def cache_key() -> str:
    return f"{face.MODEL_NAME}-{face.DETECTOR_NAME}-p{face.PIPELINE_VERSION}"


def default_path() -> Path:
    return Path(settings.DATA_DIR) / "embedcache" / f"{cache_key()}.sqlite"


def _analyse(data: bytes) -> tuple[dict, bytes, bytes]:
    try:
        chips: list[np.ndarray] = []
        found = face.faces_in(decode_image(data), chips=chips)
    except DomainError as exc:
        return {"faces": [], "error": exc.code}, b"", b""
    record = {
        "faces": [
            {
                "box": list(f.box),
                "score": f.score,
                "detector_pass": f.detector_pass,
                "landmarks": [list(p) for p in f.landmarks],
                "quality": f.quality,
            }
            for f in found
        ],
        "error": None,
    }
    embeddings = np.array([f.embedding for f in found], dtype=np.float32).tobytes()
    return record, embeddings, np.array(chips, dtype=np.uint8).tobytes()


def _work(paths: list[str]) -> list[tuple[str, str, bytes, bytes]]:
    out = []
    for path in paths:
        data = Path(path).read_bytes()
        record, embeddings, chips = _analyse(data)
        out.append((hashlib.sha256(data).hexdigest(), json.dumps(record), embeddings, chips))
    return out


class Cache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or default_path())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS photos (sha256 TEXT PRIMARY KEY, record TEXT, embeddings BLOB, chips BLOB)"
        )

    def get(self, sha256s: Iterable[str]) -> dict[str, Photo]:
        wanted, out = list(sha256s), {}
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            rows = self.db.execute(
                f"SELECT sha256, record, embeddings, chips FROM photos WHERE sha256 IN ({','.join('?' * len(part))})",
                part,
            )
            for sha, record, embeddings, chips in rows:
                r = json.loads(record)
                n = len(r["faces"])
                out[sha] = Photo(
                    sha256=sha,
                    faces=r["faces"],
                    embeddings=np.frombuffer(embeddings, dtype=np.float32).reshape(n, EMBEDDING_SIZE),
                    chips=np.frombuffer(chips, dtype=np.uint8).reshape(n, face.CHIP_SIZE, face.CHIP_SIZE),
                    error=r["error"],
                )
        return out

    def put(self, rows: list[tuple[str, str, bytes, bytes]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO photos VALUES (?, ?, ?, ?)", rows)

    def photos(
        self, paths: list[Path], *, workers: int = 2, progress: Callable[[int, int], None] | None = None
    ) -> dict[Path, Photo]:
        """Every photo's analysis, from the cache, or computed (by `workers` processes) and stored."""
        sha_of = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
        known = self.get(set(sha_of.values()))
        todo = sorted({str(p) for p, sha in sha_of.items() if sha not in known})
        done = len(paths) - len(todo)
        if progress:
            progress(done, len(paths))
        batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
        # A process that already runs the models (threads of their own) cannot be forked safely: one worker.
        if workers <= 1 or face._models is not None:
            results: Iterable = map(_work, batches)
            pool = None
        else:
            # Forked before the models are loaded in this process: each worker loads its own.
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            results = pool.map(_work, batches)
        try:
            for rows in results:
                self.put(rows)
                done += len(rows)
                if progress:
                    progress(done, len(paths))
        finally:
            if pool:
                pool.shutdown()
        known = self.get(set(sha_of.values()))
        return {p: known[sha] for p, sha in sha_of.items()}
