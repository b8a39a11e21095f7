from enum import StrEnum


class AnchorEnum(StrEnum):
    GRANTED = "granted"
    LAST_INTERACTION = "last_interaction"
    PURPOSE_END = "purpose_end"

    def __str__(self) -> str:
        return str(self.value)
