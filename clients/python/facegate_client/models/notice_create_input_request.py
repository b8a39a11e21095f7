from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.purpose_enum import PurposeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="NoticeCreateInputRequest")


@_attrs_define
class NoticeCreateInputRequest:
    """
    Attributes:
        purpose (PurposeEnum): * `identity_verification` - Identity verification (1:1)
            * `fraud_prevention` - Fraud prevention (1:N)
            * `access_control` - Access control (1:N)
        version (str):
        text (str):
        retention_days (int | None | Unset):
    """

    purpose: PurposeEnum
    version: str
    text: str
    retention_days: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        purpose = self.purpose.value

        version = self.version

        text = self.text

        retention_days: int | None | Unset
        if isinstance(self.retention_days, Unset):
            retention_days = UNSET
        else:
            retention_days = self.retention_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "purpose": purpose,
                "version": version,
                "text": text,
            }
        )
        if retention_days is not UNSET:
            field_dict["retention_days"] = retention_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        purpose = PurposeEnum(d.pop("purpose"))

        version = d.pop("version")

        text = d.pop("text")

        def _parse_retention_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retention_days = _parse_retention_days(d.pop("retention_days", UNSET))

        notice_create_input_request = cls(
            purpose=purpose,
            version=version,
            text=text,
            retention_days=retention_days,
        )

        notice_create_input_request.additional_properties = d
        return notice_create_input_request

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
