import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from compliance.services.retention import retention_sweep
from core.audit import Actor


class Command(BaseCommand):
    help = "Erase face templates past retention, and those of subjects without consent past the grace period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only print what would be erased")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the report as JSON")

    def handle(self, *args, dry_run, as_json, **options):
        report = retention_sweep(at=timezone.now(), dry_run=dry_run, actor=Actor.system("retention_sweep"))
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, default=str))
            return
        verb = "would erase" if dry_run else "erased"
        for cause in ("retention", "withdrawal"):
            entry = report[cause]
            line = f"{cause}: {verb} {entry['templates']} templates of {entry['subjects']} subjects"
            if entry["certificates"]:
                line += f" (certificates {', '.join(entry['certificates'])})"
            if entry.get("held_subjects"):
                line += f"; kept under legal hold: {len(entry['held_subjects'])} subjects"
            self.stdout.write(line)
        for tenant, error in report["failed"].items():
            self.stderr.write(f"tenant {tenant}: sweep failed ({error}); the other tenants were swept")
