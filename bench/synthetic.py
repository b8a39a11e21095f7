"""Synthetic face templates for the benches: clustered unit vectors, and COPY loaders (rows, or binary blocks).

`copy_binary` writes PostgreSQL's binary COPY format straight from NumPy arrays: no Python object per value, so
a million 128-d templates load in seconds of Python instead of minutes of float formatting (bench/search.py).
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import numpy as np

DIM = 128
PG_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8  # header: signature, flags, no extension
TRAILER = b"\xff\xff"
ROWS_PER_BLOCK = 50_000


def vectors(rng, n: int, clusters: int) -> np.ndarray:
    """Clustered unit vectors: like faces, many people near each other in a few regions of the space."""
    centres = rng.normal(size=(clusters, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    points = centres[rng.integers(0, clusters, n)] + 0.08 * rng.standard_normal((n, DIM), dtype=np.float32)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def copy_rows(cursor, table: str, columns: str, rows) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def uuids(rng, n: int) -> np.ndarray:
    """n random (version 4) UUIDs as an (n, 16) byte array, sorted, so the B-trees they key fill in order."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    halves = raw.view(">u8")
    return raw[np.lexsort((halves[:, 1], halves[:, 0]))]


def pg_time(at: datetime) -> bytes:
    """A timestamptz in binary COPY: microseconds since 2000-01-01 UTC."""
    delta = at - PG_EPOCH
    return struct.pack(">q", (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)


def pg_vector(data: np.ndarray) -> np.ndarray:
    """pgvector's binary form of each row: dimensions (int16), unused (int16), big-endian float4s."""
    n, dim = data.shape
    out = np.empty((n, 4 + 4 * dim), dtype=np.uint8)
    out[:, :4] = np.frombuffer(struct.pack(">hh", dim, 0), dtype=np.uint8)
    out[:, 4:] = data.astype(">f4").view(np.uint8).reshape(n, 4 * dim)
    return out


def pg_text(values: list[str] | np.ndarray) -> np.ndarray:
    """Equal-length ASCII strings as an (n, width) byte array."""
    return np.frombuffer("".join(values).encode(), dtype=np.uint8).reshape(len(values), -1)


def _field(value, n: int) -> np.ndarray:
    """One column as an (n, width) byte array: a constant (bytes, same in every row) or an (n, width) array."""
    if isinstance(value, bytes):
        return np.broadcast_to(np.frombuffer(value, dtype=np.uint8), (n, len(value)))
    return value


def copy_binary(cursor, table: str, n: int, columns: dict) -> None:
    """COPY n rows into `table` in binary format. `columns` maps a column to its binary values: bytes (the same
    in every row) or an (n, width) uint8 array (one fixed-width value a row); columns left out get their default."""
    names = ", ".join(columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(SIGNATURE)
        for start in range(0, n, ROWS_PER_BLOCK):
            rows = min(ROWS_PER_BLOCK, n - start)
            fields = [_field(v, n)[start : start + rows] for v in columns.values()]
            block = np.empty((rows, 2 + sum(4 + f.shape[1] for f in fields)), dtype=np.uint8)
            block[:, :2] = np.frombuffer(struct.pack(">h", len(fields)), dtype=np.uint8)
            at = 2
            for f in fields:
                block[:, at : at + 4] = np.frombuffer(struct.pack(">i", f.shape[1]), dtype=np.uint8)
                block[:, at + 4 : at + 4 + f.shape[1]] = f
                at += 4 + f.shape[1]
            copy.write(block.tobytes())
        copy.write(TRAILER)
