from enum import StrEnum


class V1OrdersEvidenceListFormat(StrEnum):
    JSON = "json"
    ZIP = "zip"

    def __str__(self) -> str:
        return str(self.value)
