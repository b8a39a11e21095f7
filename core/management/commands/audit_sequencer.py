import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from core.transparency import audit_integrate

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the audit sequencer in a loop: integrate committed events and sign a head, every --interval s."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=0.5)

    def handle(self, *args: Any, **options: Any) -> None:
        # Its own process, so integration never queues behind face inference in the worker (p95 target: 2 s).
        while True:
            close_old_connections()
            try:
                if audit_integrate() is not None:
                    continue
            except DatabaseError:  # the database restarting: wait and carry on, events wait in the table
                logger.exception("audit sequencer: integration failed; retrying")
            time.sleep(options["interval"])
