"""Error-versus-reject curves of the quality measures (the method of ISO/IEC 29794-1): which measure earns a refusal.

Genuine pairs (at most PHOTOS_PER_IDENTITY photos of each identity, so one much-photographed person does not
dominate) and impostor pairs (sampled across identities) fix the threshold for FMR `fmr`. A pair's quality is the
lower of its two photos'. Setting aside the lowest-quality x % of the genuine pairs, FNMR of the rest at that fixed
threshold is the curve; refusing photos at random leaves FNMR where it was (its 90 % spread is given), so a measure
earns a refusal only where its curve falls clearly below that.
"""

from __future__ import annotations

import numpy as np

from matching import quality

PHOTOS_PER_IDENTITY = 20
IMPOSTOR_PAIRS = 2_000_000
REJECT = (0.0, 0.005, 0.01, 0.02, 0.05, 0.10, 0.20)


def _signed(measures: list[dict]) -> dict[str, np.ndarray]:
    """Each measure turned so that higher is better (two-sided ones: nearness to the median)."""

    def col(k):
        return np.array([m[k] for m in measures], dtype=np.float64)

    pitch, brightness = col("pitch"), col("brightness")
    return {
        "inter_eye_px": col("inter_eye_px"),
        "detector_score": col("detector_score"),
        "yaw": -col("yaw"),
        "roll": -np.abs(col("roll_degrees")),
        "pitch": -np.abs(pitch - np.median(pitch)),
        "sharpness": col("sharpness"),
        "relative_sharpness": col("relative_sharpness"),
        "brightness": -np.abs(brightness - np.median(brightness)),
        "contrast": col("contrast"),
        "clipped": -col("clipped"),
    }


def curves(photos: dict[str, list[tuple[np.ndarray, dict]]], *, fmrs=(0.01, 0.001), seed: int = 0) -> dict:
    """photos: identity -> [(embedding, quality measures)] of the largest face of each photo with one."""
    rng = np.random.default_rng(seed)
    names = sorted(photos)
    vectors = np.array([e for n in names for e, _ in photos[n]])
    owner = np.repeat(np.arange(len(names)), [len(photos[n]) for n in names])
    measures = [q for n in names for _, q in photos[n]]
    refused = np.array([bool(quality.reasons(q)) for q in measures])
    firsts: list[int] = []
    seconds: list[int] = []
    for i in range(len(names)):
        idx = np.flatnonzero(owner == i)
        if len(idx) > PHOTOS_PER_IDENTITY:
            idx = rng.choice(idx, PHOTOS_PER_IDENTITY, replace=False)
        for j, x in enumerate(idx):
            firsts += [int(x)] * (len(idx) - j - 1)
            seconds += idx[j + 1 :].tolist()
    a, b = np.array(firsts, dtype=int), np.array(seconds, dtype=int)
    ia, ib = rng.integers(0, len(vectors), IMPOSTOR_PAIRS), rng.integers(0, len(vectors), IMPOSTOR_PAIRS)
    keep = owner[ia] != owner[ib]
    ia, ib = ia[keep], ib[keep]
    genuine = 1.0 - np.einsum("ij,ij->i", vectors[a], vectors[b])
    impostor = 1.0 - np.einsum("ij,ij->i", vectors[ia], vectors[ib])
    out = {"photos": len(vectors), "genuine_pairs": len(a), "impostor_pairs": len(ia), "reject": list(REJECT)}
    signed = _signed(measures)
    pair_refused = refused[a] | refused[b]
    for fmr in fmrs:
        t = float(np.quantile(impostor, fmr))
        miss = genuine > t
        spread = [float(np.mean(miss[rng.permutation(len(miss))[int(0.05 * len(miss)) :]])) for _ in range(100)]
        table = {
            "threshold": t,
            "fnmr": float(miss.mean()),
            "random_reject_5pct_90": np.percentile(spread, [5, 95]).tolist(),
            "refusal_rule": {
                "photos_refused": float(refused.mean()),
                "fnmr_pairs_with_a_refused_photo": float(miss[pair_refused].mean()) if pair_refused.any() else None,
                "fnmr_other_pairs": float(miss[~pair_refused].mean()),
            },
            "measures": {},
        }
        for name, q in signed.items():
            order = np.argsort(np.minimum(q[a], q[b]), kind="stable")
            table["measures"][name] = [float(miss[order[int(x * len(order)) :]].mean()) for x in REJECT]
        out[str(fmr)] = table
    return out
