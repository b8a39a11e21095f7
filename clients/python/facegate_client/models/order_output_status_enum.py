from enum import StrEnum


class OrderOutputStatusEnum(StrEnum):
    BLOCKED_BY_HOLD = "blocked_by_hold"
    DONE = "done"
    RECEIVED = "received"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
