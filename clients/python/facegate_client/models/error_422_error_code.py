from enum import StrEnum


class Error422ErrorCode(StrEnum):
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    MULTIPLE_FACES = "multiple_faces"
    NO_FACE = "no_face"
    POOR_QUALITY = "poor_quality"
    PURPOSE_IS_ONE_TO_ONE = "purpose_is_one_to_one"
    THRESHOLD_TOO_LOOSE = "threshold_too_loose"
    UNPROCESSABLE = "unprocessable"

    def __str__(self) -> str:
        return str(self.value)
