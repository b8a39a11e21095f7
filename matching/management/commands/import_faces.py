"""python manage.py import_faces FOLDER --tenant <slug> --consents consents.csv [--photos photos.csv] [--json out.json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from consent.models import Tenant
from core import checks
from core.audit import Actor
from matching import imports

# Waiting enrolments at most: enough that the workers never idle between two polls of the command, few enough
# that their image bytes (about 100 KB each) stay small in the database and none waits near the 1-hour expiry.
WINDOW = 64

WORKER_PINGS = 5  # one second each


class Command(BaseCommand):
    help = (
        "Enrol a folder of photos (one folder per person, named by its external ref, or --photos photos.csv with "
        "columns photo,external_ref) for a tenant, with each person's consent from --consents (columns "
        "external_ref,jurisdiction,purpose,notice,method,evidence[,email]). Rerunning skips what is done."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("--consents", required=True, type=Path, help="the consent evidence CSV")
        parser.add_argument("--photos", type=Path, help="a CSV mapping photos (relative to FOLDER) to external refs")
        parser.add_argument("--largest-face", action="store_true", help="enrol the largest of several faces")
        parser.add_argument("--window", type=int, default=WINDOW, help="enrolments waiting for the worker at most")
        parser.add_argument("--json", type=Path, help="also write the summary here")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, CI)")

    def handle(self, *args, folder, tenant: str, consents, photos, **options):
        # call_command passes keyword values as given, without the parser's type.
        folder, consents, photos = Path(folder), Path(consents), photos and Path(photos)
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant {tenant!r}.")
        if not folder.is_dir():
            raise CommandError(f"No folder {folder}.")
        if options["window"] < 1:
            raise CommandError("--window must be at least 1.")
        try:
            people = imports.people_read(folder, consents_csv=consents, photos_csv=photos)
        except (OSError, imports.ImportInputError) as error:
            raise CommandError(str(error)) from None
        # After the inputs: a malformed CSV is reported even when no worker runs yet. A worker that is still
        # starting (make run, a fresh container) gets a few pings before the import gives up.
        if not any(checks.celery()["ok"] for _ in range(WORKER_PINGS)):
            raise CommandError("No Celery worker answers: start one (make run, or celery -A config worker).")
        total = sum(len(p.photos) for p in people)
        with tqdm(total=total, unit="photo", disable=options["no_progress"]) as bar:
            report = imports.faces_import(
                tenant=found,
                people=people,
                window=options["window"],
                largest_face=options["largest_face"],
                tick=lambda: bar.update(1),
                actor=Actor.system("import_faces"),
            )
        summary = report.as_dict()
        self.stdout.write(
            f"{summary['photos']} photos of {len(people)} people: {summary['enrolled']} enrolled, "
            f"{summary['skipped']} skipped (done before), {summary['refused']} refused; "
            f"{summary['photos_per_second']} photos/s"
        )
        for reason, n in summary["refusals"].items():
            self.stdout.write(f"  refused {n:>6}  {reason}")
        consents_summary = summary["consents"]
        self.stdout.write(f"consents: {consents_summary['granted']} granted, {consents_summary['kept']} kept")
        for reason, n in consents_summary["refused"].items():
            self.stdout.write(f"  consent refused {n:>6}  {reason}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(summary, indent=2) + "\n")
