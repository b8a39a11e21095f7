"""Start-up check: every service Facegate needs answers, or a clear error says which and why.

Runs the start-up checks of core/checks.py (the same ones /healthz reports): PostgreSQL with pgvector,
Redis, and whatever the apps registered (matching: the face model weights).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core import checks


class Command(BaseCommand):
    help = "Check PostgreSQL (with pgvector >= 0.8), Redis and the face model weights before starting."

    def handle(self, *args: Any, **options: Any) -> None:
        results = checks.run(preflight_only=True)
        problems = [
            problem
            for name, result in results.items()
            if not result["ok"]
            for problem in (result.get("problems") or [f"{name}: {result.get('error', 'check failed')}"])
        ]
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("facegate: PostgreSQL, pgvector, Redis and model weights are ready")
