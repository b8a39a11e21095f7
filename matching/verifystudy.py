"""1:1 thresholds on identity-disjoint halves: a threshold for a target FMR chosen on one half's identities and
measured (FMR, FNMR) on the other's, every cross-identity pair of the half an impostor pair."""

from __future__ import annotations

import numpy as np

FMRS = (0.01, 0.001, 0.0001)


def _pairs(embeddings: dict[str, np.ndarray], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    vectors = np.vstack([embeddings[n] for n in names])
    owner = np.repeat(np.arange(len(names)), [len(embeddings[n]) for n in names])
    genuine, impostor = [], []
    for start in range(0, len(vectors), 1024):
        rows = np.arange(start, min(start + 1024, len(vectors)))
        d = 1.0 - vectors[rows] @ vectors.T
        upper = np.arange(len(vectors))[None, :] > rows[:, None]
        same = owner[rows][:, None] == owner[None, :]
        genuine.append(d[upper & same])
        impostor.append(d[upper & ~same])
    return np.concatenate(genuine), np.concatenate(impostor)


def threshold_for_fmr(impostor: np.ndarray, fmr: float) -> float:
    """The loosest threshold (accept when distance <= it) whose FMR on these pairs is at most `fmr`."""
    ordered = np.sort(impostor)
    return float(np.nextafter(ordered[int(np.floor(fmr * len(ordered)))], -np.inf))


def disjoint(embeddings: dict[str, np.ndarray], *, splits: int = 5, seed: int = 0, fixed: float | None = None) -> dict:
    """Per FMR target: the threshold tuned on one half, FMR and FNMR on the other (mean ± std over 2 x splits
    folds); and, for `fixed` (the shipped VERIFY_THRESHOLD), its FMR and FNMR on every half."""
    rng = np.random.default_rng(seed)
    names = sorted(embeddings)
    rows: dict = {str(f): [] for f in FMRS}
    at_fixed = []
    for _ in range(splits):
        shuffled = rng.permutation(names).tolist()
        halves = [_pairs(embeddings, sorted(shuffled[::2])), _pairs(embeddings, sorted(shuffled[1::2]))]
        for (_, tune_imp), (test_gen, test_imp) in ((halves[0], halves[1]), (halves[1], halves[0])):
            for f in FMRS:
                t = threshold_for_fmr(tune_imp, f)
                rows[str(f)].append((t, np.mean(test_imp <= t), np.mean(test_gen > t)))
            if fixed is not None:
                at_fixed.append((fixed, np.mean(test_imp <= fixed), np.mean(test_gen > fixed)))

    def summary(values):
        a = np.array(values, dtype=float)
        keys = ("threshold", "fmr", "fnmr")
        return {f"{k}_{s}": float(getattr(a[:, i], s)()) for i, k in enumerate(keys) for s in ("mean", "std")}

    return {
        "folds": 2 * splits,
        "by_fmr": {f: summary(v) for f, v in rows.items()},
        "at_fixed": summary(at_fixed) if at_fixed else None,
    }
