"""Retry a service whose transaction lost a race (serialization failure, deadlock, lock timeout).

The whole transaction is re-run from the start, a bounded number of times with jittered backoff; past that the
caller gets `Busy` (503 with Retry-After through core.api), never a 500. Only the outermost service retries:
inside a caller's transaction the error propagates, since only the caller can start the transaction again.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection

from core.errors import DomainError

logger = logging.getLogger(__name__)

RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization_failure, deadlock_detected, lock_not_available
ATTEMPTS = 4
RETRY_AFTER_S = 1

P = ParamSpec("P")
R = TypeVar("R")


class Busy(DomainError):
    code = "busy"
    kind = "busy"
    default_message = "The service is busy with concurrent changes to the same records; retry shortly."


def is_retryable(exc: BaseException) -> bool:
    cause = exc.__cause__ if isinstance(exc, OperationalError) else None
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def retrying(service: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return service(*args, **kwargs)
        attempt = 0
        while True:  # until it returns, or raises Busy after ATTEMPTS
            attempt += 1
            try:
                return service(*args, **kwargs)
            except OperationalError as exc:
                if not is_retryable(exc):
                    raise
                logger.warning("%s: %s (attempt %d of %d)", service.__qualname__, exc.__cause__, attempt, ATTEMPTS)
                if attempt == ATTEMPTS:
                    raise Busy(retry_after=RETRY_AFTER_S) from exc
                time.sleep(random.uniform(0, 0.05 * 2**attempt))

    return wrapper
