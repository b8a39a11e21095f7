from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NoticeOutput")


@_attrs_define
class NoticeOutput:
    """
    Attributes:
        id (UUID):
        purpose (str):
        version (str):
        text (str):
        sha256 (str):
        retention_days (int | None):
        published_at (datetime.datetime):
    """

    id: UUID
    purpose: str
    version: str
    text: str
    sha256: str
    retention_days: int | None
    published_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        purpose = self.purpose

        version = self.version

        text = self.text

        sha256 = self.sha256

        retention_days: int | None
        retention_days = self.retention_days

        published_at = self.published_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "purpose": purpose,
                "version": version,
                "text": text,
                "sha256": sha256,
                "retention_days": retention_days,
                "published_at": published_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        purpose = d.pop("purpose")

        version = d.pop("version")

        text = d.pop("text")

        sha256 = d.pop("sha256")

        def _parse_retention_days(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        retention_days = _parse_retention_days(d.pop("retention_days"))

        published_at = datetime.datetime.fromisoformat(d.pop("published_at"))

        notice_output = cls(
            id=id,
            purpose=purpose,
            version=version,
            text=text,
            sha256=sha256,
            retention_days=retention_days,
            published_at=published_at,
        )

        notice_output.additional_properties = d
        return notice_output

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
