from enum import StrEnum


class ErasureRequestOutputStatusEnum(StrEnum):
    AWAITING_OFFICER = "awaiting_officer"
    AWAITING_VERIFICATION = "awaiting_verification"
    BLOCKED_BY_HOLD = "blocked_by_hold"
    DONE = "done"
    REFUSED = "refused"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
