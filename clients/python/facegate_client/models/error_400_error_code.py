from enum import StrEnum


class Error400ErrorCode(StrEnum):
    BAD_REQUEST = "bad_request"
    CONSENT_EVIDENCE_REQUIRED = "consent_evidence_required"
    EMAIL_UNDELIVERABLE = "email_undeliverable"
    EMPTY_SCOPE = "empty_scope"
    ERROR = "error"
    EXPIRED = "expired"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    INVALID_IMAGE = "invalid_image"
    INVALID_LINK = "invalid_link"
    INVALID_MATCH_REQUEST = "invalid_match_request"
    INVALID_TREE_SIZE = "invalid_tree_size"
    INVALID_VALUE = "invalid_value"
    NOTICE_MISMATCH = "notice_mismatch"
    PARSE_ERROR = "parse_error"
    REASON_REQUIRED = "reason_required"
    RECEIVED_IN_FUTURE = "received_in_future"
    SUBJECT_NOT_IN_REQUEST = "subject_not_in_request"
    SUBJECT_OR_SELFIE_REQUIRED = "subject_or_selfie_required"
    TENANT_AND_REFERENCE_TOGETHER = "tenant_and_reference_together"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    TOO_MANY_FIELDS = "too_many_fields"
    UNKNOWN_JURISDICTION = "unknown_jurisdiction"
    UNKNOWN_PURPOSE = "unknown_purpose"
    UNKNOWN_SUBJECT = "unknown_subject"
    UNKNOWN_TENANT = "unknown_tenant"
    VALIDATION_ERROR = "validation_error"
    WEBHOOK_URL_REFUSED = "webhook_url_refused"

    def __str__(self) -> str:
        return str(self.value)
