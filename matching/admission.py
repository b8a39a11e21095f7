"""Decode admission: what a tenant's uploads will cost the workers, bounded before anything is queued.

Decoding costs about its pixels (a 6000×6000 PNG of 105 KB takes 1.1 s of one core, `decode_pixels`), and bytes
say nothing of it. So each tenant has a budget of decoded pixels per window (THROTTLE_DECODE_PIXELS, by default
a billion a minute: about 30 s of one worker's decoding); an upload that would overspend it answers 429
`decode_budget_spent` with Retry-After, before its bytes are stored. The workers' side of fairness (a tenant's
heavy jobs capped, the tenant waiting longest served first) is services/dispatch.py.
"""

from __future__ import annotations

from django.conf import settings

from core.errors import DomainError
from core.throttles import over_cost_budget, retry_after
from matching.images import decode_pixels

SCOPE = "decode_pixels"


class DecodeBudgetSpent(DomainError):
    code = "decode_budget_spent"
    kind = "throttled"
    default_message = (
        "This tenant's uploads have used their decoding budget (pixels per minute): retry after Retry-After seconds."
    )


def decode_admit(*, tenant, image: bytes) -> int:
    """Check the image's header and spend its decoded pixels from the tenant's budget; returns the pixels."""
    pixels = decode_pixels(image)
    wait = over_cost_budget(SCOPE, str(tenant.pk), pixels)
    if wait is not None:
        raise DecodeBudgetSpent(
            retry_after=int(retry_after(wait)), pixels=pixels, budget=settings.API_THROTTLE_RATES[SCOPE]
        )
    return pixels
