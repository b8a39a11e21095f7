from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConsentOutput")


@_attrs_define
class ConsentOutput:
    """
    Attributes:
        id (UUID):
        subject (UUID):
        purpose (str):
        notice (UUID):
        notice_version (str):
        notice_sha256 (str):
        method (str):
        granted_at (datetime.datetime):
        expires_at (datetime.datetime | None):
        withdrawn_at (datetime.datetime | None):
    """

    id: UUID
    subject: UUID
    purpose: str
    notice: UUID
    notice_version: str
    notice_sha256: str
    method: str
    granted_at: datetime.datetime
    expires_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        subject = str(self.subject)

        purpose = self.purpose

        notice = str(self.notice)

        notice_version = self.notice_version

        notice_sha256 = self.notice_sha256

        method = self.method

        granted_at = self.granted_at.isoformat()

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        withdrawn_at: None | str
        if isinstance(self.withdrawn_at, datetime.datetime):
            withdrawn_at = self.withdrawn_at.isoformat()
        else:
            withdrawn_at = self.withdrawn_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "subject": subject,
                "purpose": purpose,
                "notice": notice,
                "notice_version": notice_version,
                "notice_sha256": notice_sha256,
                "method": method,
                "granted_at": granted_at,
                "expires_at": expires_at,
                "withdrawn_at": withdrawn_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        subject = UUID(d.pop("subject"))

        purpose = d.pop("purpose")

        notice = UUID(d.pop("notice"))

        notice_version = d.pop("notice_version")

        notice_sha256 = d.pop("notice_sha256")

        method = d.pop("method")

        granted_at = datetime.datetime.fromisoformat(d.pop("granted_at"))

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        def _parse_withdrawn_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                withdrawn_at_type_0 = datetime.datetime.fromisoformat(data)

                return withdrawn_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        withdrawn_at = _parse_withdrawn_at(d.pop("withdrawn_at"))

        consent_output = cls(
            id=id,
            subject=subject,
            purpose=purpose,
            notice=notice,
            notice_version=notice_version,
            notice_sha256=notice_sha256,
            method=method,
            granted_at=granted_at,
            expires_at=expires_at,
            withdrawn_at=withdrawn_at,
        )

        consent_output.additional_properties = d
        return consent_output

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
