"""Synthetic face templates for the benches: clustered unit vectors and a COPY loader."""

from __future__ import annotations

import numpy as np

DIM = 128


def vectors(rng, n: int, clusters: int) -> np.ndarray:
    """Clustered unit vectors: like faces, many people near each other in a few regions of the space."""
    centres = rng.normal(size=(clusters, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    points = centres[rng.integers(0, clusters, n)] + rng.normal(scale=0.08, size=(n, DIM)).astype(np.float32)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def copy_rows(cursor, table: str, columns: str, rows) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
