"""Open-set identification on a folder of identities: FPIR / FNIR of 1:N decision rules (NIST FRVT 1:N terms).

A trial splits the identities at random: half of those with enough photos are enrolled (their first photos form
the gallery, the rest are mated probes); every photo of the other identities is a non-mated probe. Every photo
of a non-enrolled identity other than the probe's own also pads the gallery as a distractor (one "person" per
photo) and forms the probe's background cohort. Many trials over the same embeddings give many probe searches
(they are not independent: with few identities the figures carry wide uncertainty).

- FPIR(t): share of non-mated searches whose top candidate passes the rule at t (a stranger gets a name).
- FNIR(t): share of mated searches whose mate is not the top candidate passing the rule at t.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching import decision, tail

FPIR_TARGETS = (0.001, 0.01, 0.1)
GALLERY_RESERVE = 3  # photos per enrolled identity kept out of the probes, so 1 and 3 photos meet the same probes
GALLERY_SIZES = (1_000, 10_000, 100_000)  # extrapolated from the impostor tail


@dataclass
class Searches:
    """Per search: the person distances of the gallery (nearest first) and the probe's cohort distances."""

    mated: list[tuple[np.ndarray, bool, np.ndarray]]  # (sorted person distances, top is the mate, cohort)
    non_mated: list[tuple[np.ndarray, np.ndarray]]  # (sorted person distances, cohort)


def _person_distance(probe: np.ndarray, templates: np.ndarray, fusion: str) -> float:
    """fusion "best": the nearest template; "mean": the mean distance over the person's templates."""
    d = 1.0 - templates @ probe
    return float(d.min() if fusion == "best" else d.mean())


def searches(
    embeddings: dict[str, list[np.ndarray]],
    *,
    photos_per_person: int,
    trials: int,
    seed: int = 0,
    distractors: bool = True,
    fusion: str = "best",
    gallery_size: int | None = None,
) -> Searches:
    """Run `trials` random splits; embeddings: identity -> unit vectors of its photos (faces found)."""
    rng = np.random.default_rng(seed)
    names = sorted(embeddings)
    reserve = max(GALLERY_RESERVE, photos_per_person)
    enrollable = [n for n in names if len(embeddings[n]) > reserve]
    size = gallery_size or len(enrollable) // 2
    if not 2 <= size <= len(enrollable) or len(names) - size < 2:
        raise ValueError(
            f"{len(enrollable)} identities have more than {reserve} photos: too few for a gallery of {size} "
            "people and at least two identities never enrolled"
        )
    out = Searches([], [])
    for _ in range(trials):
        enrolled = set(rng.choice(enrollable, size=size, replace=False).tolist())
        gallery, probes = {}, []
        for name in sorted(enrolled):  # a fixed order: the same seed gives the same trials
            order = rng.permutation(len(embeddings[name]))
            gallery[name] = np.stack([embeddings[name][i] for i in order[:photos_per_person]])
            probes += [(name, embeddings[name][i]) for i in order[reserve:]]
        strangers = [(n, v) for n in names if n not in enrolled for v in embeddings[n]]
        for name, probe in probes + strangers:
            cohort = np.array([1.0 - float(v @ probe) for n, v in strangers if n != name])
            people = [(n, _person_distance(probe, t, fusion)) for n, t in gallery.items()]
            if distractors:
                people += [(None, d) for d in cohort]
            people.sort(key=lambda p: p[1])
            distances = np.array([d for _, d in people])
            if name in enrolled:
                out.mated.append((distances, people[0][0] == name, cohort))
            else:
                out.non_mated.append((distances, cohort))
    return out


def scored(s: Searches, rule: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mated scores, mated top-is-mate, non-mated scores) under a rule: lower score = more confident."""
    mated = np.array([decision.score(rule, d, c) for d, _, c in s.mated])
    hits = np.array([hit for _, hit, _ in s.mated])
    non_mated = np.array([decision.score(rule, d, c) for d, c in s.non_mated])
    return mated, hits, non_mated


def fnir_at(mated: np.ndarray, hits: np.ndarray, threshold: float) -> float:
    return float(1.0 - np.mean(hits & (mated <= threshold)))


def fpir_at(non_mated: np.ndarray, threshold: float) -> float:
    return float(np.mean(non_mated <= threshold))


def threshold_for_fpir(non_mated: np.ndarray, fpir: float) -> float:
    """The loosest threshold whose FPIR on these searches is at most `fpir` (accept when score <= threshold)."""
    ordered = np.sort(non_mated)
    allowed = int(np.floor(fpir * len(ordered)))
    if allowed >= len(ordered):
        return float(ordered[-1])
    below = ordered[allowed]
    return float(np.nextafter(below, -np.inf))


def det_points(mated: np.ndarray, hits: np.ndarray, non_mated: np.ndarray) -> list[tuple[float, float]]:
    """(FPIR, FNIR) at every threshold that changes FPIR, for the DET curve."""
    points = []
    for t in np.unique(non_mated):
        points.append((fpir_at(non_mated, t), fnir_at(mated, hits, t)))
    return points


def rule_outcome(s: Searches, *, threshold: float, ratio_max: float) -> tuple[float, float]:
    """(FPIR, FNIR) of the service's rule on these searches: a stranger is falsely named when anybody is named;
    a mate is found when it is the nearest person and named."""
    rule = dict(threshold=threshold, ratio_max=ratio_max)
    fpir = np.mean([bool(decision.named(d, **rule)) for d, _ in s.non_mated])
    found = np.mean([hit and bool(decision.named(d, **rule)) for d, hit, _ in s.mated])
    return float(fpir), float(1.0 - found)


def rule_det(s: Searches, *, ratio_max: float, points: int = 120) -> list[tuple[float, float]]:
    """(FPIR, FNIR) of the service's rule as its distance threshold moves, the ratio fixed."""
    top = max(float(d[0]) for d, _ in s.non_mated)
    return [rule_outcome(s, threshold=t, ratio_max=ratio_max) for t in np.linspace(0.0, top, points)]


def rule_table(s: Searches, rule: str) -> dict:
    mated, hits, non_mated = scored(s, rule)
    table = {"rank1": float(np.mean(hits)), "at_fpir": {}}
    for target in FPIR_TARGETS:
        t = threshold_for_fpir(non_mated, target)
        table["at_fpir"][str(target)] = {
            "threshold": t,
            "fpir": fpir_at(non_mated, t),
            "fnir": fnir_at(mated, hits, t),
        }
    return table


def report(
    embeddings: dict[str, list[np.ndarray]],
    *,
    photos_per_person: int = 1,
    gallery_size: int | None = None,
    trials: int = 100,
    seed: int = 0,
    default_threshold: float,
    default_ratio_max: float,
    erasure_threshold: float,
    bootstrap_rounds: int = 100,
) -> dict:
    """Every figure of `evaluate --open-set`, as one JSON-ready dict (plus the DET points)."""
    args = dict(trials=trials, seed=seed, gallery_size=gallery_size)
    main = searches(embeddings, photos_per_person=photos_per_person, **args)
    mated, hits, non_mated = scored(main, "distance")
    rule = dict(threshold=default_threshold, ratio_max=default_ratio_max)
    out = {
        "identities": len(embeddings),
        "photos": sum(len(v) for v in embeddings.values()),
        "photos_per_person": photos_per_person,
        "trials": trials,
        "gallery_people_mean": float(np.mean([len(d) for d, _, _ in main.mated])),
        "mated_searches": len(main.mated),
        "non_mated_searches": len(main.non_mated),
        "rules": {rule: rule_table(main, rule) for rule in decision.RULES},
        "default_rule": {
            "rule": "distance <= threshold and ratio <= ratio_max",
            "threshold": default_threshold,
            "ratio_max": default_ratio_max,
            **dict(zip(("fpir", "fnir"), rule_outcome(main, **rule), strict=True)),
            "distance_alone": {
                "fpir": fpir_at(non_mated, default_threshold),
                "fnir": fnir_at(mated, hits, default_threshold),
            },
        },
        # Selfie erasure lookups name every candidate within a looser distance (recall first; an officer judges).
        # FNIR here counts a mate not the nearest as missed, so the lookup's own misses are at most this.
        "erasure_lookup": {
            "threshold": erasure_threshold,
            "fpir": fpir_at(non_mated, erasure_threshold),
            "fnir": fnir_at(mated, hits, erasure_threshold),
        },
        "det": {
            **{f"{r} rule": det_points(*scored(main, r)) for r in ("distance", "ratio")},
            f"service rule (ratio <= {default_ratio_max})": rule_det(main, ratio_max=default_ratio_max),
        },
    }
    # Several photos per person, and how to score a person with several templates, on the same probes.
    out["photos_per_person_study"] = {}
    for photos, fusion in ((1, "best"), (3, "best"), (3, "mean")):
        again = searches(embeddings, photos_per_person=photos, fusion=fusion, **args)
        m, h, n = scored(again, "distance")
        at = threshold_for_fpir(n, 0.01)
        out["photos_per_person_study"][f"{photos}_{fusion}"] = {
            "rank1": float(np.mean(h)),
            "fnir_at_fpir_1pct": fnir_at(m, h, at),
            "default_rule_fnir": rule_outcome(again, **rule)[1],
        }
    out["extrapolated"] = extrapolated(
        embeddings, default_threshold, erasure_threshold, rounds=bootstrap_rounds, seed=seed
    )
    return out


def extrapolated(embeddings, default_threshold: float, erasure_threshold: float, *, rounds: int, seed: int) -> dict:
    """FPIR of the default and erasure thresholds, and the threshold for FPIR 1 %, at larger galleries (tail
    model + bootstrap). The ratio is not in the model (independent pairs): the rule's FPIR is at most this."""
    impostor = tail.impostor_distances(embeddings)
    model = tail.fit(impostor)
    n_sizes = len(GALLERY_SIZES)

    def figures(m: tail.Tail) -> list[float]:
        return (
            [m.fpir(default_threshold, n) for n in GALLERY_SIZES]
            + [m.threshold_for(0.01, n) for n in GALLERY_SIZES]
            + [m.fpir(erasure_threshold, n) for n in GALLERY_SIZES]
        )

    boot = tail.bootstrap(embeddings, figures, rounds=rounds, seed=seed)
    point = figures(model)
    out = {
        "impostor_pairs": len(impostor),
        "tail": {"fraction": tail.TAIL_FRACTION, "u": model.u, "xi": model.xi, "sigma": model.sigma},
        "bootstrap_rounds": rounds,
        "galleries": {},
    }
    for i, n in enumerate(GALLERY_SIZES):
        j, k = i + n_sizes, i + 2 * n_sizes
        out["galleries"][str(n)] = {
            "fpir_at_default": point[i],
            "fpir_at_default_90": np.percentile(boot[:, i], [5, 95]).tolist(),
            "threshold_for_fpir_1pct": point[j],
            "threshold_for_fpir_1pct_90": np.percentile(boot[:, j], [5, 95]).tolist(),
            "fpir_at_erasure": point[k],
            "fpir_at_erasure_90": np.percentile(boot[:, k], [5, 95]).tolist(),
        }
    return out
