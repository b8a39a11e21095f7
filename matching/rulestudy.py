"""Which 1:N rule and values carry to people they were not tuned on: identity-disjoint folds, and the report of
`evaluate --open-set`.

Each split deals the identities into two halves (those with two photos or more, and the others, dealt separately
so both halves hold some of each); each half is a whole open set of its own (matching/openset.py). A value is
chosen on one half's searches and measured on the other's, and the other way round. The service's rule
(matching/decision.py) keeps its distance threshold (the 1:1 threshold for FMR 1 %) and takes its cohort ratio from
the tuning half, for FPIR TUNE_FPIR there: a little under 1 %, since a gallery twice the half's size (the whole
calibration set, and the held-out set like it) lets a few more strangers through.
"""

from __future__ import annotations

import numpy as np

from matching import decision, openset, tail

TARGET = 0.01
TUNE_FPIR = 0.008
PHOTOS_PER_PERSON = (1, 2, 3)


def _halves(names: list[str], rng) -> tuple[list[str], list[str]]:
    shuffled = rng.permutation(names).tolist()
    return shuffled[::2], shuffled[1::2]


def _summary(values: list[tuple]) -> dict:
    a = np.array(values, dtype=float)
    return {
        "tuned_mean": float(a[:, 0].mean()),
        "tuned_std": float(a[:, 0].std()),
        "fpir_mean": float(a[:, 1].mean()),
        "fpir_std": float(a[:, 1].std()),
        "fpir_max": float(a[:, 1].max()),
        "fnir_mean": float(a[:, 2].mean()),
        "fnir_std": float(a[:, 2].std()),
    }


def disjoint(
    embeddings: dict[str, np.ndarray],
    *,
    threshold: float,
    ratio_max: float,
    splits: int = 5,
    trials: int = 2,
    seed: int = 0,
) -> dict:
    """Per photos-per-person: each rule tuned for FPIR 1 % on one half and measured on the other; the service's
    ratio tuned the same way; and the shipped defaults measured on every half."""
    rng = np.random.default_rng(seed)
    multi = sorted(n for n, v in embeddings.items() if len(v) >= 2)
    single = sorted(n for n, v in embeddings.items() if len(v) == 1)
    rows: dict = {p: {r: [] for r in (*decision.RULES, "service")} for p in PHOTOS_PER_PERSON}
    at_default: dict = {p: [] for p in PHOTOS_PER_PERSON}
    for split in range(splits):
        (ma, mb), (sa, sb) = _halves(multi, rng), _halves(single, rng)
        halves = (ma + sa, mb + sb)
        for photos in PHOTOS_PER_PERSON:
            part = [
                openset.merged(
                    [
                        openset.searches(
                            {n: embeddings[n] for n in half}, photos_per_person=photos, seed=seed + 100 * split + t
                        )
                        for t in range(trials)
                    ]
                )
                for half in halves
            ]
            for tune, test in ((part[0], part[1]), (part[1], part[0])):
                for rule in decision.RULES:
                    t = openset.threshold_for_fpir(decision.score(rule, tune.non_mated), TARGET)
                    hits = test.mate_rank == 0
                    rows[photos][rule].append(
                        (
                            t,
                            openset.fpir_at(decision.score(rule, test.non_mated), t),
                            openset.fnir_at(decision.score(rule, test.mated), hits, t),
                        )
                    )
                tuned = openset.ratio_for_fpir(tune, threshold=threshold, target=TUNE_FPIR)
                o = openset.rule_outcome(test, threshold=threshold, ratio_max=tuned)
                rows[photos]["service"].append((tuned, o["fpir"], o["fnir"]))
                d = openset.rule_outcome(test, threshold=threshold, ratio_max=ratio_max)
                at_default[photos].append((ratio_max, d["fpir"], d["fnir"]))
    return {
        "splits": splits,
        "folds": 2 * splits,
        "target_fpir": TARGET,
        "service_tuned_for_fpir": TUNE_FPIR,
        "half_gallery_people": part[0].gallery_people,
        "by_photos": {
            str(p): {"rules": {r: _summary(v) for r, v in rows[p].items()}, "at_default": _summary(at_default[p])}
            for p in PHOTOS_PER_PERSON
        },
    }


def report(
    embeddings: dict[str, np.ndarray],
    *,
    threshold: float,
    ratio_max: float,
    erasure_threshold: float,
    duplicate_threshold: float,
    trials: int = 3,
    splits: int = 5,
    seed: int = 0,
    bootstrap_rounds: int = 50,
) -> dict:
    """Every figure of `evaluate --open-set`, as one JSON-ready dict (the DET points included)."""
    out: dict = {
        "identities": len(embeddings),
        "photos": int(sum(len(v) for v in embeddings.values())),
        "identities_with_two_photos_or_more": sum(len(v) >= 2 for v in embeddings.values()),
        "trials": trials,
        "defaults": {"threshold": threshold, "ratio_max": ratio_max, "cohort": decision.COHORT},
    }
    whole = {}
    for photos in PHOTOS_PER_PERSON:
        whole[photos] = openset.merged(
            [openset.searches(embeddings, photos_per_person=photos, seed=seed + t) for t in range(trials)]
        )
    main = whole[1]
    out["gallery_people"] = main.gallery_people
    out["rules"] = {rule: openset.rule_table(main, rule) for rule in decision.RULES}
    out["at_defaults"] = {
        str(p): openset.rule_outcome(whole[p], threshold=threshold, ratio_max=ratio_max) for p in PHOTOS_PER_PERSON
    }
    # Fusion of a person's three templates: the nearest, or the mean distance.
    mean3 = openset.merged(
        [openset.searches(embeddings, photos_per_person=3, fusion="mean", seed=seed + t) for t in range(trials)]
    )
    out["fusion_3_photos"] = {
        "best": openset.rule_outcome(whole[3], threshold=threshold, ratio_max=ratio_max),
        "mean": openset.rule_outcome(mean3, threshold=threshold, ratio_max=ratio_max),
    }
    review = decision.review_ratio_max()
    r = openset.rule_outcome(main, threshold=threshold, ratio_max=review)
    out["review_band"] = {"ratio_max": review, "fpir": r["fpir"], "fnir": r["fnir"]}
    # The cohort ratio at FPIR targets on the whole set: the calibration table of decision.RATIO_FPIR.
    out["ratio_at_fpir"] = {
        str(f): openset.ratio_for_fpir(main, threshold=threshold, target=f) for f in (0.001, 0.01, 0.1, 0.3)
    }
    # Erasure lookups and duplicate reports name people by distance alone (recall first; an officer judges).
    hits, nearest = main.mate_rank == 0, main.non_mated[:, 0]
    out["distance_thresholds"] = {
        name: {
            "threshold": t,
            "fpir": openset.fpir_at(nearest, t),
            "recall": 1 - openset.fnir_at(main.mated[:, 0], hits, t),
        }
        for name, t in (("erasure_lookup", erasure_threshold), ("duplicate", duplicate_threshold))
    }
    out["det"] = {
        **{f"{rule} rule": openset.det_points(main, rule) for rule in decision.RULES},
        f"service rule (distance <= {threshold})": openset.service_det(main, threshold=threshold),
    }
    out["disjoint_study"] = disjoint(embeddings, threshold=threshold, ratio_max=ratio_max, splits=splits, seed=seed)
    out["gallery_trend"] = openset.gallery_trend(embeddings, threshold=threshold, ratio_max=ratio_max, seed=seed)
    out["distance_tail"] = tail.extrapolated(
        embeddings, thresholds={"erasure_lookup": erasure_threshold, "duplicate": duplicate_threshold},
        rounds=bootstrap_rounds, seed=seed,
    )  # fmt: skip
    return out
