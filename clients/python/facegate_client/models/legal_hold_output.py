from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scope_output import ScopeOutput


T = TypeVar("T", bound="LegalHoldOutput")


@_attrs_define
class LegalHoldOutput:
    """
    Attributes:
        id (UUID):
        reason (str):
        scope (ScopeOutput): The scope as the officer gave it (tenant slugs, not the stored UUIDs), and as a sentence
            that reads it as
            the union or intersection it is.
        created_at (datetime.datetime):
        created_by (str):
        expires_at (datetime.datetime | None | Unset):
        released_at (datetime.datetime | None | Unset):
    """

    id: UUID
    reason: str
    scope: ScopeOutput
    created_at: datetime.datetime
    created_by: str
    expires_at: datetime.datetime | None | Unset = UNSET
    released_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        reason = self.reason

        scope = self.scope.to_dict()

        created_at = self.created_at.isoformat()

        created_by = self.created_by

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        released_at: None | str | Unset
        if isinstance(self.released_at, Unset):
            released_at = UNSET
        elif isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "reason": reason,
                "scope": scope,
                "created_at": created_at,
                "created_by": created_by,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if released_at is not UNSET:
            field_dict["released_at"] = released_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scope_output import ScopeOutput  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        reason = d.pop("reason")

        scope = ScopeOutput.from_dict(d.pop("scope"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        created_by = d.pop("created_by")

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_released_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        released_at = _parse_released_at(d.pop("released_at", UNSET))

        legal_hold_output = cls(
            id=id,
            reason=reason,
            scope=scope,
            created_at=created_at,
            created_by=created_by,
            expires_at=expires_at,
            released_at=released_at,
        )

        legal_hold_output.additional_properties = d
        return legal_hold_output

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
