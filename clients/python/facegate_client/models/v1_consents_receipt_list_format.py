from enum import StrEnum


class V1ConsentsReceiptListFormat(StrEnum):
    JSON = "json"
    JSONLD = "jsonld"
    JWT = "jwt"

    def __str__(self) -> str:
        return str(self.value)
