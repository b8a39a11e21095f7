from enum import StrEnum


class AccessRequestOutputStatusEnum(StrEnum):
    AWAITING_OFFICER = "awaiting_officer"
    AWAITING_VERIFICATION = "awaiting_verification"
    DONE = "done"

    def __str__(self) -> str:
        return str(self.value)
