"""1:N decision rule: is the probe one of the people it is nearest to? Every number of the rule is here.

Studied with `evaluate --open-set` on identity-disjoint folds of ../shared/faces/lfw-calibration (docs/accuracy.md):
- distance: the nearest person's cosine distance. Pair-wise: a stranger's chance of some enrolled person that near
  grows with the gallery (FNIR 37.5 % at FPIR 1 % on folds of ~940 people).
- ratio: nearest ÷ runner-up (31.0 %); cohort: nearest ÷ the mean distance of the next COHORT people, the probe's
  own cohort taken from the tenant's gallery (28.9 %). A stranger's nearest is rarely far nearer than the people
  after it, a mate's usually is; the mean of several is a steadier yardstick than one runner-up.

The service's rule (`named`, used by matching, by `fpir_at_score`, by the review band and by the evaluation): the
first j people (j <= MAX_NAMED, the largest that passes) are named when the j-th is within the distance threshold
AND at most `ratio_max` times the mean distance of the COHORT people after them. Several people named at once (one
person enrolled under several subjects, what fraud teams look for) are judged against the people after all of
them, so they do not veto each other. With nobody after them (a gallery of one, two or three people all within
the threshold) the distance alone decides: the default threshold is the 1:1 threshold for FMR 1 %, so a
one-person gallery's FPIR is about 1 %.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

RULES = ("distance", "ratio", "cohort")
COHORT = 5  # people after the named ones whose mean distance is the yardstick (k = 3-8 gave the same FNIR)
MAX_NAMED = 3  # people one search may name together

# FPIR of the cohort ratio for a probe of a stranger, on the calibration open set (1,865 people enrolled with one
# photo each; 4,353 searches of strangers and 7,695 leave-one-out searches; docs/accuracy.md): (ratio, FPIR),
# ratio ascending. fpir_at_score interpolates it (log FPIR, linear ratio); the review band reaches REVIEW_FPIR.
RATIO_FPIR = ((0.501, 0.001), (0.646, 0.01), (0.784, 0.1), (0.851, 0.3))
REVIEW_FPIR = 0.1

# FNIR at the defaults on the same open set by photos enrolled per person (the enrolment answer passes it on).
FNIR_BY_PHOTOS = (("1", 0.353), ("2", 0.286), ("3", 0.265))
PHOTOS_ADVICE = "Enrol two or three photos per person: 1:N misses fall from 35 % with one to 27 % with three."


def named_counts(distances: ArrayLike, *, threshold: float, ratio_max: float) -> tuple[np.ndarray, np.ndarray]:
    """The rule on many searches at once. distances: (searches, people) person distances, nearest first (np.inf
    pads a short gallery). Returns, per search, how many people are named and the yardstick they were judged
    against (np.nan when nobody lies after them: the distance alone decided)."""
    d = np.atleast_2d(np.asarray(distances, dtype=np.float64))
    count = np.zeros(len(d), dtype=int)
    yardstick = np.full(len(d), np.nan)
    within = np.ones(len(d), dtype=bool)
    for j in range(1, min(MAX_NAMED, d.shape[1]) + 1):
        within &= d[:, j - 1] <= threshold  # the rule stops at the first person beyond the threshold
        after = d[:, j : j + COHORT]
        present = np.isfinite(after)
        n = present.sum(axis=1)
        mean = np.where(n > 0, np.where(present, after, 0.0).sum(axis=1) / np.maximum(n, 1), np.nan)
        alone = n == 0  # nobody after them (a gallery of j people): the distance alone
        ok = within & (alone | ((n > 0) & (d[:, j - 1] <= ratio_max * np.maximum(np.nan_to_num(mean), 1e-9))))
        count = np.where(ok, j, count)
        yardstick = np.where(ok, mean, yardstick)
    return count, yardstick


def named(distances, *, threshold: float, ratio_max: float) -> list[tuple[int, float | None]]:
    """(index, ratio) of the people named, in order; `distances`: one per person, nearest first. The ratio is
    None when nobody lies after them (no cohort to compare with)."""
    if not len(distances):
        return []
    [count], [yardstick] = named_counts([list(distances)], threshold=threshold, ratio_max=ratio_max)
    ratio = (lambda d: None) if np.isnan(yardstick) else (lambda d: float(d) / max(float(yardstick), 1e-9))
    return [(i, ratio(distances[i])) for i in range(int(count))]


def review_ratio_max() -> float:
    """The cohort ratio whose FPIR is REVIEW_FPIR: results between the decision and it are for human review."""
    return ratio_at_fpir(REVIEW_FPIR)


def ratio_at_fpir(fpir: float) -> float:
    ratios, fpirs = zip(*RATIO_FPIR, strict=True)
    return float(np.interp(np.log(fpir), np.log(fpirs), ratios))


def fpir_at_ratio(ratio: float) -> float:
    """Calibrated FPIR of naming a person at this cohort ratio (clamped to the table's ends)."""
    ratios, fpirs = zip(*RATIO_FPIR, strict=True)
    return float(np.exp(np.interp(ratio, ratios, np.log(fpirs))))


def score(rule: str, distances: np.ndarray) -> np.ndarray:
    """A rule's score of the nearest person (lower is more confident) for each search; `distances`: (searches,
    people) person distances, nearest first, at least two people."""
    d = np.atleast_2d(np.asarray(distances, dtype=np.float64))
    if rule == "distance":
        return d[:, 0]
    if rule == "ratio":
        return d[:, 0] / np.maximum(d[:, 1], 1e-9)
    if rule == "cohort":
        after = d[:, 1 : 1 + COHORT]
        present = np.isfinite(after)
        mean = np.where(present, after, 0.0).sum(axis=1) / np.maximum(present.sum(axis=1), 1)
        return d[:, 0] / np.maximum(mean, 1e-9)
    raise ValueError(f"unknown rule {rule!r}")


# The lower tail of impostor (different-person) distances of ../shared/faces/lfw-calibration (generalised Pareto on
# the lowest 2 % of its 22.7 million pairs, so that it reaches the 1:1 threshold; matching/tail.py). It turns a
# distance into the chance that a stranger gets a candidate that near in a gallery of a given size, where the
# rule has no cohort (galleries of a few people); it overstates the empirical FMR below 0.07 (an upper bound).
IMPOSTOR_TAIL = {"u": 0.09345, "rate": 0.02, "xi": -0.10, "sigma": 0.009595}


def impostor_cdf(t: float, *, u: float, rate: float, xi: float, sigma: float) -> float:
    """P(impostor distance <= t) for t below u, from the GPD fit of the excess u - d."""
    y = max(u - t, 0.0)
    if abs(xi) < 1e-9:
        return rate * float(np.exp(-y / sigma))
    base = 1.0 + xi * y / sigma
    return 0.0 if base <= 0 else rate * float(base ** (-1.0 / xi))


def fpir_at_distance(distance: float, gallery: int, tail: dict = IMPOSTOR_TAIL) -> float:
    """Modelled FPIR of accepting this distance in a gallery of `gallery` people: 1 - (1 - F(d))^N."""
    f = min(impostor_cdf(distance, **tail), 1.0 - 1e-12)
    return float(-np.expm1(max(gallery, 1) * np.log1p(-f)))
