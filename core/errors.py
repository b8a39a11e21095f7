"""Domain errors: a refusal a caller can act on, with a stable code and a kind.

Errors know nothing of HTTP: the API layer (core.api) maps each kind to a status, so the policy layer, the
image checks and the services raise them without importing DRF.
"""

from __future__ import annotations


class DomainError(Exception):
    """Subclasses set `code` (stable, documented) and `kind` (what sort of refusal it is)."""

    code = "error"
    # invalid, not_found, conflict, forbidden, unprocessable, gone, too_large, unsupported_media, busy, throttled
    kind = "invalid"
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, **details):
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


class NotFound(DomainError):
    code = "not_found"
    kind = "not_found"
    default_message = "Not found."


class Conflict(DomainError):
    code = "conflict"
    kind = "conflict"


class Forbidden(DomainError):
    code = "forbidden"
    kind = "forbidden"


class Unprocessable(DomainError):
    code = "unprocessable"
    kind = "unprocessable"


class UnknownJurisdiction(DomainError):
    code = "unknown_jurisdiction"
    default_message = "Unknown jurisdiction code."


class UnknownTenant(DomainError):
    code = "unknown_tenant"
    default_message = "Unknown tenant."


class PurposeNotAllowed(Forbidden):
    code = "purpose_not_allowed"
    default_message = "This API key may not be used for that purpose."


class InvalidLink(DomainError):
    code = "invalid_link"
    default_message = "This link is not valid."


class Expired(DomainError):
    """A job or lookup that was not run in time; its image was deleted."""

    code = "expired"
    default_message = "The job was not run within an hour; its image was deleted."


class ReasonRequired(DomainError):
    code = "reason_required"
    default_message = "Give the reason (it is sent to the requester)."


class SubjectErased(Conflict):
    code = "subject_erased"
    default_message = "This subject has been erased."


class LinkExpired(DomainError):
    code = "link_expired"
    kind = "gone"
    default_message = "This link has expired."
