"""python manage.py evaluate <folder> [--pairs pairs.txt] [--json out.json]
python manage.py evaluate --open-set <folder> [--photos-per-person 1] [--gallery-size N] [--svg det.svg] [--json out.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from matching import openset, rulestudy
from matching.detplot import det_svg
from matching.evaluation import EvaluationError, embed_largest_face, evaluate, identities_in


class Command(BaseCommand):
    help = (
        "Face verification accuracy of the enrolment pipeline on a folder with one sub-folder per person "
        "(LFW layout). With --pairs, the LFW 10-fold protocol; without, every genuine pair and as many "
        "sampled impostor pairs, in 10 folds."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="one sub-folder per person (or a people/ folder holding them)")
        parser.add_argument("--pairs", type=Path, help="LFW pairs.txt (first line '<folds> <pairs per class>')")
        parser.add_argument("--json", dest="json_path", type=Path, help="write the figures to this JSON file")
        parser.add_argument("--seed", type=int, default=0, help="seed for sampling impostor pairs (no --pairs)")
        open_set = parser.add_argument_group("open-set identification (1:N)")
        open_set.add_argument("--open-set", action="store_true", help="FPIR/FNIR of 1:N decision rules, DET curve")
        open_set.add_argument("--photos-per-person", type=int, default=1, help="gallery photos per enrolled person")
        open_set.add_argument("--gallery-size", type=int, help="enrolled people per trial (default: half)")
        open_set.add_argument("--trials", type=int, default=100, help="random splits of the identities")
        open_set.add_argument("--bootstrap", type=int, default=100, help="bootstrap rounds of the tail fit")
        open_set.add_argument("--svg", type=Path, help="write the DET curve to this SVG file")
        open_set.add_argument(
            "--study-splits", type=int, default=10, help="identity-disjoint splits of the rule study (0: none)"
        )

    def handle(self, *args, folder: Path, pairs: Path | None, json_path: Path | None, seed: int, **options):
        progress = self._progress if sys.stderr.isatty() else None
        if options["open_set"]:
            return self._open_set(folder, json_path=json_path, seed=seed, progress=progress, **options)
        try:
            report = evaluate(folder, pairs, progress=progress, seed=seed, fixed_threshold=settings.VERIFY_THRESHOLD)
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        if progress:
            self.stderr.write("")
        r = report
        self.stdout.write(
            f"{r.model} / {r.detector} on {folder} ({r.protocol})\n"
            f"  images            {r.images} of {r.identities} identities, a face found in {r.detected_fraction:.1%}\n"
            f"  pairs             {r.pairs} ({r.genuine_pairs} genuine, {r.impostor_pairs} impostor)\n"
            f"  accuracy          {r.accuracy:.2%} ± {r.accuracy_std:.2%} (10-fold, threshold chosen on the other "
            f"nine: {r.fold_thresholds_mean:.4f} ± {r.fold_thresholds_std:.4f})\n"
            f"  at VERIFY_THRESHOLD {r.fixed_threshold}: {r.fixed_accuracy:.2%} ± {r.fixed_accuracy_std:.2%} "
            "(10-fold, the service's default, not tuned on these pairs)\n"
            f"  TAR @ FAR 0.001   {r.tar_at_far_0_001:.2%}\n"
            f"  threshold         {r.threshold:.4f} (cosine distance, best on all pairs)\n"
            f"  speed             {r.images_per_second:.2f} images/s (decode + detect + embed, this process)"
        )
        if json_path:
            json_path.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
            self.stdout.write(f"wrote {json_path}")

    def _open_set(self, folder: Path, *, json_path, seed, progress, **options) -> None:
        try:
            photos = identities_in(Path(folder))
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        embeddings, done, total = {}, 0, sum(len(v) for v in photos.values())
        for name, paths in photos.items():
            vectors = [embed_largest_face(p.read_bytes()) for p in paths]
            embeddings[name] = [np.asarray(v) for v in vectors if v is not None]
            done += len(paths)
            if progress:
                progress(done, total)
        try:
            r = openset.report(
                {n: v for n, v in embeddings.items() if v},
                photos_per_person=options["photos_per_person"],
                gallery_size=options["gallery_size"],
                trials=options["trials"],
                seed=seed,
                default_threshold=settings.MATCH_THRESHOLD,
                default_ratio_max=settings.MATCH_RATIO_MAX,
                erasure_threshold=settings.ERASURE_LOOKUP_THRESHOLD,
                bootstrap_rounds=options["bootstrap"],
            )
            if options["study_splits"]:
                r["disjoint_study"] = {
                    str(photos): rulestudy.disjoint(
                        {n: v for n, v in embeddings.items() if v},
                        photos_per_person=photos,
                        threshold=settings.MATCH_THRESHOLD,
                        splits=options["study_splits"],
                        seed=seed,
                    )
                    for photos in (1, 3)
                }
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if progress:
            self.stderr.write("")
        self.stdout.write(
            f"Open set on {folder}: {r['identities']} identities, {r['photos']} photos with a face; "
            f"{r['trials']} trials, {r['photos_per_person']} photo(s) per enrolled person, "
            f"{r['gallery_people_mean']:.0f} people in the gallery on average (distractors included)\n"
            f"  searches          {r['mated_searches']} mated, {r['non_mated_searches']} non-mated\n"
            f"  rule        rank-1   FNIR @ FPIR 0.1 %    1 %      10 %"
        )
        for rule, table in r["rules"].items():
            at = table["at_fpir"]
            self.stdout.write(
                f"  {rule:<10}  {table['rank1']:6.1%}   "
                + "   ".join(f"{at[k]['fnir']:6.1%} ({at[k]['threshold']:.4g})" for k in ("0.001", "0.01", "0.1"))
            )
        d, e = r["default_rule"], r["erasure_lookup"]
        self.stdout.write(
            f"  default rule      distance <= {d['threshold']} and ratio <= {d['ratio_max']}: "
            f"FPIR {d['fpir']:.1%}, FNIR {d['fnir']:.1%} "
            f"(the distance alone: FPIR {d['distance_alone']['fpir']:.1%}, FNIR {d['distance_alone']['fnir']:.1%})\n"
            f"  erasure lookup    distance <= {e['threshold']}: FPIR {e['fpir']:.1%}, FNIR {e['fnir']:.1%}\n"
            "  photos per person (distance rule: FNIR @ FPIR 1 %, rank-1; default rule: FNIR): "
            + ", ".join(
                f"{k.replace('_', ' photo(s), ')} {v['fnir_at_fpir_1pct']:.1%}, {v['rank1']:.1%}; "
                f"{v['default_rule_fnir']:.1%}"
                for k, v in r["photos_per_person_study"].items()
            )
        )
        self._study(r.get("disjoint_study", {}))
        x = r["extrapolated"]
        self.stdout.write(
            f"  extrapolated      GPD fit of the lowest {x['tail']['fraction']:.0%} of {x['impostor_pairs']} impostor "
            f"distances (xi {x['tail']['xi']:.2f}), 90 % bootstrap intervals over identities ({x['bootstrap_rounds']})"
        )
        for n, g in x["galleries"].items():
            lo, hi = g["fpir_at_default_90"]
            tlo, thi = g["threshold_for_fpir_1pct_90"]
            self.stdout.write(
                f"    gallery {int(n):>7,}: FPIR at {d['threshold']} {g['fpir_at_default']:.1%} [{lo:.1%}, {hi:.1%}]; "
                f"FPIR 1 % at distance <= {g['threshold_for_fpir_1pct']:.4f} [{tlo:.4f}, {thi:.4f}]; "
                f"FPIR at {e['threshold']} {g['fpir_at_erasure']:.1%}"
            )
        if options["svg"]:
            marks = {f"default ({d['threshold']}, ratio {d['ratio_max']})": (d["fpir"], d["fnir"])}
            curves = r["det"]
            options["svg"].write_text(det_svg(curves, title=f"DET, open set on {Path(folder).name}", marks=marks))
            self.stdout.write(f"wrote {options['svg']}")
        if json_path:
            json_path.write_text(json.dumps(r, indent=2) + "\n")
            self.stdout.write(f"wrote {json_path}")

    def _study(self, study: dict) -> None:
        for photos, s in study.items():
            self.stdout.write(
                f"  identity-disjoint ({s['folds']} folds, {photos} photo(s) per person): tuned for FPIR "
                f"{s['target_fpir']:.0%} on one half, measured on the other (service: ratio tuned, distance "
                f"<= {s['threshold']})\n    rule        tuned             FPIR (max)              FNIR"
            )
            for rule, x in s["rules"].items():
                self.stdout.write(
                    f"    {rule:<10}  {x['tuned_mean']:7.4g} ± {x['tuned_std']:<6.2g}  "
                    f"{x['fpir_mean']:5.1%} ± {x['fpir_std']:4.1%} ({x['fpir_max']:5.1%})   "
                    f"{x['fnir_mean']:5.1%} ± {x['fnir_std']:4.1%}"
                )

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r  embedding {done}/{total}", ending="")
        self.stderr.flush()
