from enum import StrEnum


class Error413ErrorCode(StrEnum):
    BODY_TOO_LARGE = "body_too_large"
    IMAGE_TOO_LARGE = "image_too_large"

    def __str__(self) -> str:
        return str(self.value)
