from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.transparency import audit_integrate, audit_verify


class Command(BaseCommand):
    help = "Integrate pending audit events, recompute the Merkle tree and check every signed head; exit 1 if bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-integrate", action="store_true", help="check only what is already integrated")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_integrate"]:
            audit_integrate()
        result = audit_verify()
        if not result["valid"]:
            raise CommandError(
                f"audit log broken at index {result['bad_index']} ({result['reason']}; "
                f"{result['heads_checked']} signed heads checked before)",
                returncode=1,
            )
        self.stdout.write(
            f"audit log valid: {result['tree_size']} events, {result['heads']} signed heads, "
            f"root {result['root_hash']}, {result['pending']} pending"
        )
