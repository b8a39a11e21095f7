"""Events an app reports for the client apps to be told of (a job ended), written in the caller's transaction.

The apps that report them sit below compliance, whose webhook outbox tells the tenants; compliance registers that
writer here from its AppConfig.ready() (as matching registers its start-up check with core.checks), so core and
matching never import it, and an event exists exactly when the change it reports commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

_writer: Callable[..., object] | None = None


def writer_register(fn: Callable[..., object]) -> None:
    global _writer
    _writer = fn


def event_emit(*, tenant_id: uuid.UUID, type: str, data: dict[str, Any]) -> None:
    """Record `type` with `data` (ids and status only) for the tenant's subscribers, in the caller's transaction."""
    if _writer is None:
        # An event nobody writes would be lost without a trace.
        raise LookupError("no event writer registered (compliance registers its webhook outbox at start-up)")
    _writer(tenant_id=tenant_id, type=type, data=data)
