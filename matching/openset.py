"""Open-set identification on a folder of identities: FPIR / FNIR of 1:N decision rules (NIST FRVT 1:N terms).

The protocol, per trial: every identity with two photos or more is enrolled (one photo chosen at random is its
mated probe; up to `photos_per_person` of its other photos form the gallery); the identities with one photo are
dealt at random into distractors (enrolled, never searched) and strangers (searched, never enrolled). Each mated
probe is also searched with its own person taken out of the gallery: a leave-one-out non-mated search, so that
FPIR rests on about twice as many searches.

- FPIR: share of non-mated searches in which the rule names anybody (a stranger gets a name).
- FNIR: share of mated searches in which the rule does not name the mate.
- rank-1: share of mated searches whose nearest person is the mate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from matching import decision

FPIR_TARGETS = (0.001, 0.01, 0.1)
KEEP = 40  # person distances kept per search, nearest first: the rule reads the first MAX_NAMED + COHORT


@dataclass
class Searches:
    mated: np.ndarray  # (searches, KEEP) person distances, nearest first (np.inf pads)
    mate_rank: np.ndarray  # the mate's rank among the gallery's people (0: nearest)
    non_mated: np.ndarray  # (searches, KEEP): the strangers' searches, then the leave-one-out ones
    stranger: np.ndarray  # per non-mated search: a stranger's (True) or a leave-one-out search (False)
    gallery_people: int


def _people_distances(probes: np.ndarray, gallery: np.ndarray, owner: np.ndarray, fusion: str) -> np.ndarray:
    """(probes, people) distance of each probe to each gallery person; owner: the person of each gallery row
    (0..people-1, ascending). fusion "best": the nearest template; "mean": the mean over the person's templates."""
    d = 1.0 - probes @ gallery.T
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    if fusion == "best":
        return np.minimum.reduceat(d, starts, axis=1)
    return np.add.reduceat(d, starts, axis=1) / np.diff(np.r_[starts, len(owner)])


def searches(
    embeddings: dict[str, np.ndarray],
    *,
    photos_per_person: int = 1,
    seed: int = 0,
    fusion: str = "best",
    distractor_share: float = 0.5,
) -> Searches:
    """One trial of the protocol; embeddings: identity -> (photos, 128) unit vectors of the faces found."""
    rng = np.random.default_rng(seed)
    names = sorted(embeddings)
    multi = [n for n in names if len(embeddings[n]) >= 2]
    single = [n for n in names if len(embeddings[n]) == 1]
    single = [single[i] for i in rng.permutation(len(single))]
    cut = round(distractor_share * len(single))
    distractors, strangers = single[:cut], single[cut:]
    if len(multi) < 2 or not strangers:
        raise ValueError(
            f"{len(multi)} identities with two photos or more and {len(strangers)} strangers: an open set needs "
            "at least two people to enrol and one identity with one photo never enrolled"
        )
    enrolled: list[np.ndarray] = []
    owners: list[int] = []
    probes = []
    for i, name in enumerate(multi):
        order = rng.permutation(len(embeddings[name]))
        probes.append(embeddings[name][order[0]])
        for j in order[1 : 1 + photos_per_person]:
            enrolled.append(embeddings[name][j])
            owners.append(i)
    for i, name in enumerate(distractors, start=len(multi)):
        enrolled.append(embeddings[name][0])
        owners.append(i)
    gallery, owner = np.array(enrolled), np.array(owners)
    mated = _people_distances(np.array(probes), gallery, owner, fusion)
    stranger_rows = _people_distances(np.array([embeddings[n][0] for n in strangers]), gallery, owner, fusion)
    mates = np.arange(len(multi))
    order = np.argsort(mated, axis=1, kind="stable")
    mate_rank = np.argmax(order == mates[:, None], axis=1)
    left_out = mated.copy()
    left_out[mates, mates] = np.inf
    keep = min(KEEP, mated.shape[1])
    return Searches(
        mated=np.take_along_axis(mated, order, axis=1)[:, :keep],
        mate_rank=mate_rank,
        non_mated=np.sort(np.vstack([stranger_rows, left_out]), axis=1)[:, :keep],
        stranger=np.arange(len(strangers) + len(multi)) < len(strangers),
        gallery_people=int(owner[-1]) + 1,
    )


def merged(trials: list[Searches]) -> Searches:
    return Searches(
        mated=np.vstack([s.mated for s in trials]),
        mate_rank=np.concatenate([s.mate_rank for s in trials]),
        non_mated=np.vstack([s.non_mated for s in trials]),
        stranger=np.concatenate([s.stranger for s in trials]),
        gallery_people=round(float(np.mean([s.gallery_people for s in trials]))),
    )


def fnir_at(scores: np.ndarray, hits: np.ndarray, threshold: float) -> float:
    return float(1.0 - np.mean(hits & (scores <= threshold)))


def fpir_at(scores: np.ndarray, threshold: float) -> float:
    return float(np.mean(scores <= threshold))


def threshold_for_fpir(non_mated: np.ndarray, fpir: float) -> float:
    """The loosest threshold whose FPIR on these searches is at most `fpir` (accept when score <= threshold)."""
    ordered = np.sort(non_mated)
    allowed = int(np.floor(fpir * len(ordered)))
    if allowed >= len(ordered):
        return float(ordered[-1])
    return float(np.nextafter(ordered[allowed], -np.inf))


def rule_table(s: Searches, rule: str) -> dict:
    """A plain rule (decision.score) with its threshold set on these same searches: rank-1, FNIR at FPIR targets."""
    mated, non_mated, hits = decision.score(rule, s.mated), decision.score(rule, s.non_mated), s.mate_rank == 0
    table: dict[str, Any] = {"rank1": float(np.mean(hits)), "at_fpir": {}}
    for target in FPIR_TARGETS:
        t = threshold_for_fpir(non_mated, target)
        table["at_fpir"][str(target)] = {"threshold": t, "fpir": fpir_at(non_mated, t), "fnir": fnir_at(mated, hits, t)}
    return table


def det_points(s: Searches, rule: str) -> list[tuple[float, float]]:
    mated, non_mated, hits = decision.score(rule, s.mated), decision.score(rule, s.non_mated), s.mate_rank == 0
    cuts = np.unique(np.quantile(non_mated, np.geomspace(1e-4, 1.0, 150)))
    return [(fpir_at(non_mated, t), fnir_at(mated, hits, t)) for t in cuts]


def rule_outcome(s: Searches, *, threshold: float, ratio_max: float) -> dict:
    """The service's rule (decision.named_counts): FPIR over all non-mated searches and over strangers only,
    FNIR (the mate not among the people named), rank-1."""
    named_mated, _ = decision.named_counts(s.mated, threshold=threshold, ratio_max=ratio_max)
    named_non, _ = decision.named_counts(s.non_mated, threshold=threshold, ratio_max=ratio_max)
    out: dict[str, float | None] = {
        "fpir": float(np.mean(named_non > 0)),
        "fnir": float(1.0 - np.mean(named_mated > s.mate_rank)),
        "rank1": float(np.mean(s.mate_rank == 0)),
        "mated_searches": len(s.mated),
        "non_mated_searches": len(s.non_mated),
    }
    out["fpir_strangers"] = float(np.mean(named_non[s.stranger] > 0)) if s.stranger.any() else None
    out["stranger_searches"] = int(s.stranger.sum())
    return out


def ratio_for_fpir(s: Searches, *, threshold: float, target: float) -> float:
    """The loosest ratio_max at which the service's rule keeps FPIR on these searches at most `target`."""
    lo, hi = 0.0, 1.0
    for _ in range(30):  # FPIR grows with ratio_max: bisect
        mid = (lo + hi) / 2
        if rule_outcome(s, threshold=threshold, ratio_max=mid)["fpir"] <= target:
            lo = mid
        else:
            hi = mid
    return lo


def service_det(s: Searches, *, threshold: float) -> list[tuple[float, float]]:
    """(FPIR, FNIR) of the service's rule as ratio_max moves, the distance threshold fixed."""
    points = []
    for r in np.linspace(0.3, 1.0, 71):
        o = rule_outcome(s, threshold=threshold, ratio_max=float(r))
        points.append((o["fpir"], o["fnir"]))
    return points


def gallery_trend(
    embeddings: dict[str, np.ndarray], *, threshold: float, ratio_max: float, seed: int = 0, rounds: int = 200
) -> dict:
    """FPIR of the service's rule at growing galleries (people subsampled), a power law FPIR = a * N^b fitted on
    them, and its value at 10,000 and 100,000 people, with a 90 % interval from resampling the searches."""
    rng = np.random.default_rng(seed)
    names = sorted(embeddings)
    rows = []
    for share in (0.125, 0.25, 0.5, 1.0):
        for trial in range(3):
            picked = [n for n in names if rng.random() < share]
            try:
                s = searches({n: embeddings[n] for n in picked}, seed=seed + trial)
            except ValueError:  # a small folder's subsample may hold too few people
                continue
            named_non, _ = decision.named_counts(s.non_mated, threshold=threshold, ratio_max=ratio_max)
            rows.append((s.gallery_people, named_non > 0))
    sizes = np.array([n for n, _ in rows], dtype=float)
    points = [{"gallery_people": int(n), "fpir": float(f.mean()), "searches": len(f)} for n, f in rows]
    if len(set(sizes)) < 2:
        return {"points": points, "power_law": None}

    def fit(flags: list[np.ndarray]) -> tuple[float, float]:
        rates = np.array([max(f.mean(), 0.5 / len(f)) for f in flags])
        b, log_a = np.polyfit(np.log(sizes), np.log(rates), 1)
        return float(np.exp(log_a)), float(b)

    a, b = fit([f for _, f in rows])
    resampled = []
    for _ in range(rounds):
        aa, bb = fit([f[rng.integers(0, len(f), len(f))] for _, f in rows])
        resampled.append([aa * n**bb for n in (10_000, 100_000)])
    boot = np.array(resampled)
    return {
        "points": points,
        "power_law": {"a": a, "b": b},
        "fpir_10000": a * 10_000**b,
        "fpir_10000_90": np.percentile(boot[:, 0], [5, 95]).tolist(),
        "fpir_100000": a * 100_000**b,
        "fpir_100000_90": np.percentile(boot[:, 1], [5, 95]).tolist(),
    }
