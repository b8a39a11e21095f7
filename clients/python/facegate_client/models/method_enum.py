from enum import StrEnum


class MethodEnum(StrEnum):
    ELECTRONIC_SIGNATURE = "electronic_signature"
    EXPLICIT_OPT_IN = "explicit_opt_in"
    WRITTEN_RELEASE = "written_release"

    def __str__(self) -> str:
        return str(self.value)
