from enum import StrEnum


class Error429ErrorCode(StrEnum):
    THROTTLED = "throttled"

    def __str__(self) -> str:
        return str(self.value)
