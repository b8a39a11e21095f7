#!/usr/bin/env python
import os
import sys


def _database_unreachable() -> str | None:
    """A one-line message when the configured database cannot be reached; None when it can."""
    from django.conf import settings
    from django.db import connection
    from django.db.utils import OperationalError

    from config.services_env import START_HINT, redact

    connection.close()
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        first = (str(exc).strip().splitlines() or ["connection failed"])[0]
        reason = first.rsplit("failed: ", 1)[-1].strip()  # e.g. "Connection refused", "No such file or directory"
        return f"facegate: cannot reach PostgreSQL at {redact(settings.DATABASE_URL)} ({reason}); {START_HINT}."
    return None


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError:
        # Only a database that is not there gets the short message; any other error keeps its traceback.
        if message := _database_unreachable():
            print(message, file=sys.stderr)
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
