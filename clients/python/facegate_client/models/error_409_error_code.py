from enum import StrEnum


class Error409ErrorCode(StrEnum):
    CLOCK_ALREADY_PAUSED = "clock_already_paused"
    CLOCK_NOT_PAUSED = "clock_not_paused"
    CONFLICT = "conflict"
    CONSENT_REQUIRED = "consent_required"
    EXTENSION_LIMIT_REACHED = "extension_limit_reached"
    EXTENSION_NOT_ALLOWED = "extension_not_allowed"
    EXTENSION_TOO_LATE = "extension_too_late"
    HOLD_ALREADY_RELEASED = "hold_already_released"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    NOTICE_EXISTS = "notice_exists"
    NOT_AWAITING_OFFICER = "not_awaiting_officer"
    NOT_ELIGIBLE = "not_eligible"
    NOT_REFUSABLE = "not_refusable"
    NO_ENROLLED_FACE = "no_enrolled_face"
    OBJECTION_WINDOW_CLOSED = "objection_window_closed"
    ORDER_NOT_LIFTABLE = "order_not_liftable"
    ORDER_REFERENCE_EXISTS = "order_reference_exists"
    PAUSE_NOT_ALLOWED = "pause_not_allowed"
    REPORT_NOT_READY = "report_not_ready"
    REQUEST_NOT_OPEN = "request_not_open"
    RETENTION_RULE_EXISTS = "retention_rule_exists"
    SUBJECT_ERASED = "subject_erased"
    SUBJECT_EXISTS = "subject_exists"
    SUBJECT_NOT_HELD = "subject_not_held"

    def __str__(self) -> str:
        return str(self.value)
