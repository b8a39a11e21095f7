"""python manage.py evaluate <folder> [--pairs pairs.txt] [--json out.json]
python manage.py evaluate --open-set <folder> [--svg det.svg] [--json out.json]
python manage.py evaluate --quality <folder> [--json out.json]

Each photo goes through the enrolment pipeline once: its analysis is kept in the embedding cache
(matching/embedcache.py, keyed by the photo's SHA-256 and the model), and every figure is studied on the cache.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from matching import quality, qualitystudy, rulestudy, verifystudy
from matching.detplot import det_svg
from matching.embedcache import Cache
from matching.evaluation import EvaluationError, evaluate, identities_in, pairs_from_file


class Command(BaseCommand):
    help = (
        "Face accuracy of the enrolment pipeline on a folder with one sub-folder per person (LFW layout). "
        "With --pairs, the LFW 10-fold protocol; without, every genuine pair and as many sampled impostor pairs. "
        "--open-set: 1:N rules on identity-disjoint folds; --quality: error-versus-reject curves."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="one sub-folder per person (or a people/ folder holding them)")
        parser.add_argument("--pairs", type=Path, help="LFW pairs.txt (first line '<folds> <pairs per class>')")
        parser.add_argument("--json", dest="json_path", type=Path, help="write the figures to this JSON file")
        parser.add_argument("--seed", type=int, default=0, help="seed of the samplings and the folds")
        parser.add_argument("--workers", type=int, default=2, help="processes embedding photos not in the cache")
        parser.add_argument("--cache", type=Path, help="embedding cache file (default: under FACEGATE_DATA_DIR)")
        parser.add_argument("--splits", type=int, default=5, help="identity-disjoint splits (each gives 2 folds)")
        parser.add_argument("--quality", action="store_true", help="error-versus-reject curves of the measures")
        open_set = parser.add_argument_group("open-set identification (1:N)")
        open_set.add_argument("--open-set", action="store_true", help="FPIR/FNIR of 1:N decision rules, DET curve")
        open_set.add_argument("--trials", type=int, default=3, help="random deals of the identities")
        open_set.add_argument("--bootstrap", type=int, default=50, help="bootstrap rounds of the tail fit")
        open_set.add_argument("--svg", type=Path, help="write the DET curve to this SVG file")

    def handle(self, *args, folder: Path, pairs: Path | None, json_path: Path | None, **options):
        progress = self._progress if sys.stderr.isatty() else None
        try:
            people = identities_in(Path(folder))
            listed = pairs_from_file(Path(folder), pairs) if pairs else []
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        paths = sorted({p for v in people.values() for p in v} | {p for x in listed for p in (x.a, x.b)})
        analysed = Cache(options["cache"]).photos(paths, workers=options["workers"], progress=progress)
        if progress:
            self.stderr.write("")
        # What enrolment keeps: the largest face, unless a quality refusal applies (then, as no face).
        kept = {
            p: a.embedding if a.faces and not quality.reasons(a.faces[0]["quality"]) else None
            for p, a in analysed.items()
        }
        enrolled = {n: np.array([kept[p] for p in v if kept[p] is not None]) for n, v in people.items()}
        enrolled = {n: v for n, v in enrolled.items() if len(v)}
        fte: dict[str, float] = {
            "photos": len(paths),
            "no_face": sum(not a.faces for a in analysed.values()),
            "refused": sum(bool(a.faces) and kept[p] is None for p, a in analysed.items()),
        }
        fte["failure_to_enrol"] = (fte["no_face"] + fte["refused"]) / len(paths)
        try:
            if options["quality"]:
                report = self._quality(analysed, people)
            elif options["open_set"]:
                report = self._open_set(enrolled, folder=folder, **options)
            else:
                report = self._pairs(folder, pairs, kept, enrolled, **options)
        except (EvaluationError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        report["failure_to_enrol"] = fte
        self.stdout.write(
            f"  failure to enrol  {fte['failure_to_enrol']:.2%} of {fte['photos']} photos "
            f"({fte['no_face']} no face, {fte['refused']} refused by a quality limit)"
        )
        if json_path:
            json_path.write_text(json.dumps(report, indent=2) + "\n")
            self.stdout.write(f"wrote {json_path}")

    def _pairs(self, folder, pairs, kept, enrolled, *, seed, splits, **options) -> dict:
        # evaluation.evaluate embeds photo bytes: answer from the cache, by the photos' SHA-256.
        by_sha = {hashlib.sha256(p.read_bytes()).hexdigest(): v for p, v in kept.items()}

        def embed(data: bytes):
            v = by_sha.get(hashlib.sha256(data).hexdigest())
            return None if v is None else v.tolist()

        r = evaluate(folder, pairs, embed=embed, seed=seed, fixed_threshold=settings.VERIFY_THRESHOLD)
        study = verifystudy.disjoint(enrolled, splits=splits, seed=seed, fixed=settings.VERIFY_THRESHOLD)
        self.stdout.write(
            f"{r.model} / {r.detector} on {folder} ({r.protocol})\n"
            f"  images            {r.images} of {r.identities} identities, enrolled {r.detected_fraction:.1%}\n"
            f"  pairs             {r.pairs} ({r.genuine_pairs} genuine, {r.impostor_pairs} impostor)\n"
            f"  accuracy          {r.accuracy:.2%} ± {r.accuracy_std:.2%} (10-fold, threshold chosen on the other "
            f"nine: {r.fold_thresholds_mean:.4f} ± {r.fold_thresholds_std:.4f})\n"
            f"  at VERIFY_THRESHOLD {r.fixed_threshold}: {r.fixed_accuracy:.2%} ± {r.fixed_accuracy_std:.2%} "
            "(10-fold, refusals count as failures)\n"
            f"  TAR @ FAR 0.001   {r.tar_at_far_0_001:.2%}\n"
            f"  identity-disjoint ({study['folds']} folds): threshold for FMR chosen on one half, measured on the other"
        )
        for fmr, x in study["by_fmr"].items():
            self.stdout.write(
                f"    FMR {float(fmr):.2%}: threshold {x['threshold_mean']:.4f} ± {x['threshold_std']:.4f}, "
                f"FMR {x['fmr_mean']:.3%}, FNMR {x['fnmr_mean']:.2%} ± {x['fnmr_std']:.2%}"
            )
        f = study["at_fixed"]
        self.stdout.write(
            f"    at VERIFY_THRESHOLD: FMR {f['fmr_mean']:.3%} ± {f['fmr_std']:.3%}, FNMR {f['fnmr_mean']:.2%}"
        )
        return {**r.as_dict(), "identity_disjoint": study}

    def _quality(self, analysed, people) -> dict:
        photos = {
            n: [(analysed[p].embedding, analysed[p].faces[0]["quality"]) for p in v if analysed[p].faces]
            for n, v in people.items()
        }
        r = qualitystudy.curves({n: v for n, v in photos.items() if v})
        self.stdout.write(
            f"Error versus reject: {r['genuine_pairs']} genuine pairs, {r['impostor_pairs']} impostor pairs; "
            "FNMR at a fixed threshold as the lowest-quality share of the pairs is set aside"
        )
        for fmr in ("0.01", "0.001"):
            t = r[fmr]
            lo, hi = t["random_reject_5pct_90"]
            self.stdout.write(
                f"  FMR {float(fmr):.1%} (distance <= {t['threshold']:.4f}); random rejection of 5 %: FNMR "
                f"{lo:.2%}-{hi:.2%}\n    measure              " + "".join(f"{x:>8.1%}" for x in r["reject"])
            )
            for name, row in t["measures"].items():
                self.stdout.write(f"    {name:<20} " + "".join(f"{v:8.2%}" for v in row))
        return r

    def _open_set(self, enrolled, *, folder, trials, splits, bootstrap, seed, svg, **options) -> dict:
        r = rulestudy.report(
            enrolled,
            threshold=settings.MATCH_THRESHOLD,
            ratio_max=settings.MATCH_RATIO_MAX,
            erasure_threshold=settings.ERASURE_LOOKUP_THRESHOLD,
            duplicate_threshold=settings.DUPLICATE_THRESHOLD,
            trials=trials,
            splits=splits,
            seed=seed,
            bootstrap_rounds=bootstrap,
        )
        self.stdout.write(
            f"Open set on {folder}: {r['identities']} identities, {r['photos']} photos enrolled; {trials} trials, "
            f"{r['gallery_people']} people in the gallery\n"
            "  rule        rank-1   FNIR @ FPIR 0.1 %    1 %      10 %   (threshold set on these searches)"
        )
        for rule, table in r["rules"].items():
            at = table["at_fpir"]
            self.stdout.write(
                f"  {rule:<10}  {table['rank1']:6.1%}   "
                + "   ".join(f"{at[k]['fnir']:6.1%} ({at[k]['threshold']:.4g})" for k in ("0.001", "0.01", "0.1"))
            )
        self.stdout.write(
            f"  defaults          distance <= {settings.MATCH_THRESHOLD}, ratio to the next {r['defaults']['cohort']} "
            f"people <= {settings.MATCH_RATIO_MAX}"
        )
        for photos, o in r["at_defaults"].items():
            self.stdout.write(
                f"    {photos} photo(s) per person: FPIR {o['fpir']:.2%} (strangers {o['fpir_strangers']:.2%}), "
                f"FNIR {o['fnir']:.1%}, rank-1 {o['rank1']:.1%}"
            )
        s = r["disjoint_study"]
        self.stdout.write(
            f"  identity-disjoint ({s['folds']} folds of ~{s['half_gallery_people']} people): tuned on one half, "
            "measured on the other\n    photos  rule        tuned              FPIR (max)            FNIR"
        )
        for photos, by in s["by_photos"].items():
            for rule, x in {**by["rules"], "at default": by["at_default"]}.items():
                self.stdout.write(
                    f"    {photos:<6}  {rule:<10}  {x['tuned_mean']:7.4g} ± {x['tuned_std']:<6.2g}  "
                    f"{x['fpir_mean']:5.2%} ± {x['fpir_std']:4.2%} ({x['fpir_max']:5.2%})   "
                    f"{x['fnir_mean']:5.1%} ± {x['fnir_std']:4.1%}"
                )
        b = r["review_band"]
        self.stdout.write(
            f"  review band       ratio <= {b['ratio_max']:.3f}: FPIR {b['fpir']:.1%}, FNIR {b['fnir']:.1%}"
        )
        for name, x in r["distance_thresholds"].items():
            self.stdout.write(
                f"  {name:<17} distance <= {x['threshold']}: FPIR {x['fpir']:.1%}, recall {x['recall']:.1%}"
            )
        g = r["gallery_trend"]
        if g["power_law"]:
            self.stdout.write(
                f"  FPIR of the defaults as the gallery grows (power law b = {g['power_law']['b']:.2f}): 10,000 "
                f"people {g['fpir_10000']:.2%} {_interval(g['fpir_10000_90'])}, 100,000 {g['fpir_100000']:.2%} "
                f"{_interval(g['fpir_100000_90'])}"
            )
        x = r["distance_tail"]
        for n, gal in x["galleries"].items():
            self.stdout.write(
                f"  distance alone, gallery {int(n):>7,}: FPIR 1 % at distance <= {gal['threshold_for_fpir_1pct']:.4f} "
                f"{_interval(gal['threshold_for_fpir_1pct_90'], '.4f')}; erasure lookup FPIR "
                f"{gal['fpir_at_erasure_lookup']:.1%}, duplicate FPIR {gal['fpir_at_duplicate']:.1%}"
            )
        if svg:
            o = r["at_defaults"]["1"]
            marks = {f"defaults ({settings.MATCH_THRESHOLD}, ratio {settings.MATCH_RATIO_MAX})": (o["fpir"], o["fnir"])}
            svg.write_text(det_svg(r["det"], title=f"DET, open set on {Path(folder).name}", marks=marks))
            self.stdout.write(f"wrote {svg}")
        return r

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r  embedding {done}/{total}", ending="")
        self.stderr.flush()


def _interval(pair, fmt: str = ".2%") -> str:
    return f"[{pair[0]:{fmt}}, {pair[1]:{fmt}}]"
