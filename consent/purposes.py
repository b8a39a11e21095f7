"""What an API key's purposes allow (docs/security.md, "Credentials and purposes"). A key acts only for the purposes
it holds: it creates data for them (notices, consents, enrolments, matches, verifications), reads and withdraws
only their records (a match or verification job, a consent and its receipt), and erases a subject, or objects to
its erasure, only when it holds every purpose the subject ever consented to. `allowed=None` is the platform (the
portal, an officer, a task), which no key's purposes bind.

An out-of-purpose record is answered 403 purpose_not_allowed, not 404. The tenant boundary hides existence (another
tenant's record is 404): a key can't tell it from a missing one. Two keys of one tenant are one controller's
credentials: every key of the tenant lists its subjects already, and a create for the same purpose is refused with
403 purpose_not_allowed too, so a 404 would hide nothing and would tell a client app with the wrong key that its
own record is gone.
"""

from __future__ import annotations

from consent.models import Consent, Subject
from core.errors import PurposeNotAllowed


def purpose_check(purpose: str, *, allowed: list[str] | None) -> None:
    if allowed is not None and purpose not in allowed:
        raise PurposeNotAllowed(purpose=purpose, allowed=sorted(allowed))


def subject_purposes(subject: Subject) -> list[str]:
    """Every purpose the subject has a consent record for, in force, withdrawn or expired: erasing the subject
    deletes each of those records and scrubs it from every purpose's match results."""
    return sorted(set(Consent.objects.filter(subject=subject).values_list("purpose", flat=True)))


def subject_purposes_check(subject: Subject, *, allowed: list[str] | None) -> None:
    """Call with the subject's row locked, as every consent writer locks it first: no purpose is added meanwhile."""
    if allowed is None:
        return
    missing = [p for p in subject_purposes(subject) if p not in allowed]
    if missing:
        raise PurposeNotAllowed(
            "Only an API key that holds every purpose this subject consented to may erase it or object to its erasure.",
            missing=missing,
            allowed=sorted(allowed),
        )
