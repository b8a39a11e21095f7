import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance.services.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (its .json sidecar) into the database, then erase again everything the erasure journal "
        "names that the backup still holds. Stop the web, worker, beat and sequencer processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("sidecar", type=Path, help="the backup's .json file (written by manage.py backup)")

    def handle(self, *args, sidecar, **options):
        try:
            summary = backup_restore(sidecar)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary, indent=2))
