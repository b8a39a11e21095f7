from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_414_error_code import Error414ErrorCode

if TYPE_CHECKING:
    from ..models.error_414_error_details import Error414ErrorDetails


T = TypeVar("T", bound="Error414Error")


@_attrs_define
class Error414Error:
    """
    Attributes:
        code (Error414ErrorCode):
        message (str):
        details (Error414ErrorDetails):
    """

    code: Error414ErrorCode
    message: str
    details: Error414ErrorDetails
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code.value

        message = self.message

        details = self.details.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
                "details": details,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_414_error_details import Error414ErrorDetails  # noqa: PLC0415

        d = dict(src_dict)
        code = Error414ErrorCode(d.pop("code"))

        message = d.pop("message")

        details = Error414ErrorDetails.from_dict(d.pop("details"))

        error_414_error = cls(
            code=code,
            message=message,
            details=details,
        )

        error_414_error.additional_properties = d
        return error_414_error

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
