"""bench/search.py's physical-limit baselines, on the same vectors and eligibility as Facegate's search.

- numpy: the exact top k over the eligible rows, one core (bench/search.py sets OPENBLAS_NUM_THREADS=1 before
  NumPy loads; the eligible rows are gathered once, not timed);
- faiss: an in-memory HNSW graph of the tenant's vectors (faiss.IndexHNSWFlat, the graph's parameters of
  matching.partitions: M 16, efConstruction 64) searched with a filter of the eligible ids
  (faiss.IDSelectorBatch), one thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import faiss
import numpy as np

M, EF_CONSTRUCTION, EF_SEARCH = 16, 64, 64


def _timed_ms(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - started) * 1000


class Baselines:
    """One benched tenant's graph, built once (both cores), searched on one."""

    def __init__(self, data: np.ndarray):
        self.data = np.ascontiguousarray(data, dtype=np.float32)
        faiss.omp_set_num_threads(2)
        self.index = faiss.IndexHNSWFlat(self.data.shape[1], M, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = EF_CONSTRUCTION
        self.build_s = _timed_ms(lambda: self.index.add(self.data))[1] / 1000
        faiss.omp_set_num_threads(1)

    def run(self, eligible: np.ndarray, queries: np.ndarray, k: int) -> dict:
        """p50/p95 ms of each baseline and its recall@1 against NumPy's exact answer (which is the truth)."""
        rows = np.flatnonzero(eligible)
        if len(rows) == 0:
            return {}
        vectors = np.ascontiguousarray(self.data[rows])
        selector = faiss.IDSelectorBatch(rows.astype(np.int64))
        params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]  # SWIG: not in faiss's stubs
            sel=selector, efSearch=max(EF_SEARCH, k)
        )
        numpy_ms, faiss_ms, hits = [], [], []
        for query in queries.astype(np.float32):
            top, ms = _timed_ms(partial(_numpy_top, vectors, query, k))
            numpy_ms.append(ms)
            (_, found), ms = _timed_ms(partial(self.index.search, query[None, :], k, params=params))
            faiss_ms.append(ms)
            hits.append(1.0 if found[0][0] == rows[top[0]] else 0.0)
        return {
            "numpy_p50_ms": round(float(np.percentile(numpy_ms, 50)), 3),
            "numpy_p95_ms": round(float(np.percentile(numpy_ms, 95)), 3),
            "faiss_p50_ms": round(float(np.percentile(faiss_ms, 50)), 3),
            "faiss_p95_ms": round(float(np.percentile(faiss_ms, 95)), 3),
            "faiss_recall_at_1": round(float(np.mean(hits)), 3),
            "faiss_ef_search": max(EF_SEARCH, k),
        }


def _numpy_top(vectors: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    """Indices into `vectors` of the k nearest (unit vectors: nearest = largest dot), nearest first."""
    scores = vectors @ query
    top = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else np.arange(len(scores))
    return top[np.argsort(-scores[top], kind="stable")]


def ratios(row: dict) -> dict:
    """Facegate's p50 and p95 as multiples of the best baseline's (None without a baseline)."""
    out = {}
    for q in ("p50", "p95"):
        best = min((row[f"{b}_{q}_ms"] for b in ("numpy", "faiss") if row.get(f"{b}_{q}_ms")), default=None)
        out[f"ratio_{q}"] = round(row[f"facegate_{q}_ms"] / best, 1) if best else None
    return out
