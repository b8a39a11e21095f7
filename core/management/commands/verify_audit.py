from django.core.management.base import BaseCommand, CommandError

from core.audit import audit_verify


class Command(BaseCommand):
    help = "Recompute the audit hash chain; exit status 1 when it is broken."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result["valid"]:
            raise CommandError(
                f"audit chain broken at seq {result['broken_seq']} (after {result['events']} valid events)",
                returncode=1,
            )
        self.stdout.write(f"audit chain valid: {result['events']} events, head {result['head']}")
