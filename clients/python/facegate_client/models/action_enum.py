from enum import StrEnum


class ActionEnum(StrEnum):
    ERASE = "erase"
    RESTRICT_COLLECTION = "restrict_collection"
    SUSPEND_PROCESSING = "suspend_processing"

    def __str__(self) -> str:
        return str(self.value)
