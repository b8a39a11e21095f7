"""python manage.py evaluate <folder> [--pairs pairs.txt] [--json out.json]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.evaluation import EvaluationError, evaluate


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

    def handle(self, *args, folder: Path, pairs: Path | None, json_path: Path | None, seed: int, **options):
        progress = self._progress if sys.stderr.isatty() else None
        try:
            report = evaluate(folder, pairs, progress=progress, seed=seed)
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        if progress:
            self.stderr.write("")
        r = report
        self.stdout.write(
            f"{r.model} / {r.detector} on {folder} ({r.protocol})\n"
            f"  images            {r.images} of {r.identities} identities, a face found in {r.detected_fraction:.1%}\n"
            f"  pairs             {r.pairs} ({r.genuine_pairs} genuine, {r.impostor_pairs} impostor)\n"
            f"  accuracy          {r.accuracy:.2%} ± {r.accuracy_std:.2%} (10-fold)\n"
            f"  TAR @ FAR 0.001   {r.tar_at_far_0_001:.2%}\n"
            f"  threshold         {r.threshold:.4f} (cosine distance, best on all pairs)\n"
            f"  speed             {r.images_per_second:.2f} images/s (decode + detect + embed, this process)"
        )
        if json_path:
            json_path.write_text(json.dumps(report.as_dict(), indent=2) + "\n")
            self.stdout.write(f"wrote {json_path}")

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r  embedding {done}/{total}", ending="")
        self.stderr.flush()
