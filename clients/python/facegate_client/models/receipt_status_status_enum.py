from enum import StrEnum


class ReceiptStatusStatusEnum(StrEnum):
    ERASED = "erased"
    EXPIRED = "expired"
    IN_FORCE = "in_force"
    NOT_IN_FORCE = "not_in_force"
    PURPOSE_ENDED = "purpose_ended"
    WITHDRAWN = "withdrawn"

    def __str__(self) -> str:
        return str(self.value)
