from enum import StrEnum


class Error429ErrorCode(StrEnum):
    DECODE_BUDGET_SPENT = "decode_budget_spent"
    THROTTLED = "throttled"

    def __str__(self) -> str:
        return str(self.value)
