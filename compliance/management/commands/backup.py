from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compliance.services.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back the database up with pg_dump (custom format) and a sidecar naming the erasure journal's head."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", dest="directory", type=Path, default=settings.DATA_DIR / "backups", help="where to write it"
        )

    def handle(self, *args, directory, **options):
        try:
            sidecar = backup_create(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {sidecar.with_suffix('.dump')}; restore with: manage.py restore {sidecar}")
