from enum import StrEnum


class PurposeEnum(StrEnum):
    ACCESS_CONTROL = "access_control"
    FRAUD_PREVENTION = "fraud_prevention"
    IDENTITY_VERIFICATION = "identity_verification"

    def __str__(self) -> str:
        return str(self.value)
