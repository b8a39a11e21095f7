from enum import StrEnum


class Error403ErrorCode(StrEnum):
    AUTHENTICATION_FAILED = "authentication_failed"
    COLLECTION_RESTRICTED = "collection_restricted"
    FORBIDDEN = "forbidden"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    PURPOSE_NOT_ALLOWED = "purpose_not_allowed"

    def __str__(self) -> str:
        return str(self.value)
