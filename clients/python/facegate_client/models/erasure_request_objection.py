from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ErasureRequestObjection")


@_attrs_define
class ErasureRequestObjection:
    """
    Attributes:
        erasure_request (UUID):
        objection_until (datetime.datetime):
    """

    erasure_request: UUID
    objection_until: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        erasure_request = str(self.erasure_request)

        objection_until = self.objection_until.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "erasure_request": erasure_request,
                "objection_until": objection_until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        erasure_request = UUID(d.pop("erasure_request"))

        objection_until = datetime.datetime.fromisoformat(d.pop("objection_until"))

        erasure_request_objection = cls(
            erasure_request=erasure_request,
            objection_until=objection_until,
        )

        erasure_request_objection.additional_properties = d
        return erasure_request_objection

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
