"""1:N decision rules: how confident is "the probe is the nearest person"? Lower scores are more confident.

Studied (`evaluate --open-set`, matching/rulestudy.py):
- distance: the nearest person's cosine distance (pair-wise; false accepts grow with the gallery).
- ratio: nearest ÷ runner-up distance (another person); a stranger's nearest is rarely much nearer than the
  next, a mate's usually is. With no runner-up in the gallery, the nearest background-cohort face stands in.
- tnorm: the nearest distance standardised by the probe's distances to a fixed background cohort.

The service's rule (`named`, used by matching, by `fpir_at_score` and by the evaluation): a person is named when
their distance is within the threshold AND at most `ratio_max` times the distance of the nearest person not
within it. The threshold carries the modelled FPIR bound at 10,000 people; the ratio refuses a stranger who is
about as near to several people (the held-out failure of the distance alone). With nobody beyond the threshold
(a one-person gallery) there is no runner-up and the distance alone decides, so a small gallery never accepts
more than the distance rule would. Several people within the threshold (one person enrolled twice, what fraud
teams look for) are each judged against the first person beyond it, so they are not vetoed by each other.
"""

from __future__ import annotations

import numpy as np

RULES = ("distance", "ratio", "tnorm")


def named(distances, *, threshold: float, ratio_max: float) -> list[tuple[int, float | None]]:
    """(index, ratio) of the people named, in order; `distances`: one per person, nearest first. The ratio is
    None when nobody lies beyond the threshold (no runner-up to compare with)."""
    within = [d for d in distances if d <= threshold]
    beyond = distances[len(within)] if len(within) < len(distances) else None
    out = []
    for i, d in enumerate(within):
        ratio = None if beyond is None else float(d) / max(float(beyond), 1e-9)
        if ratio is None or ratio <= ratio_max:
            out.append((i, ratio))
    return out


def score(rule: str, distances: np.ndarray, cohort: np.ndarray) -> float:
    """`distances`: the gallery's person distances, nearest first; `cohort`: distances to background faces."""
    d1 = float(distances[0])
    if rule == "distance":
        return d1
    if rule == "ratio":
        runner_up = float(distances[1]) if len(distances) > 1 else float(np.min(cohort))
        return d1 / max(runner_up, 1e-9)
    if rule == "tnorm":
        return (d1 - float(np.mean(cohort))) / max(float(np.std(cohort)), 1e-9)
    raise ValueError(f"unknown rule {rule!r}")


# The lower tail of impostor (different-person) distances, fitted by `manage.py evaluate --open-set
# ../shared/faces/people` (generalised Pareto on the lowest 2 % of 4,830 pairs; matching/tail.py). It turns a
# distance into the chance that a stranger gets a candidate that near in a gallery of a given size.
IMPOSTOR_TAIL = {"u": 0.09753, "rate": 0.01988, "xi": -0.05, "sigma": 0.008066}


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
