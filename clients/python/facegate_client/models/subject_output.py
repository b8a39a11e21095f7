from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SubjectOutput")


@_attrs_define
class SubjectOutput:
    """
    Attributes:
        id (UUID):
        external_ref (None | str):
        jurisdiction (str):
        email (str):
        created_at (datetime.datetime):
        last_interaction_at (datetime.datetime | None):
        erased_at (datetime.datetime | None):
    """

    id: UUID
    external_ref: None | str
    jurisdiction: str
    email: str
    created_at: datetime.datetime
    last_interaction_at: datetime.datetime | None
    erased_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        external_ref: None | str
        external_ref = self.external_ref

        jurisdiction = self.jurisdiction

        email = self.email

        created_at = self.created_at.isoformat()

        last_interaction_at: None | str
        if isinstance(self.last_interaction_at, datetime.datetime):
            last_interaction_at = self.last_interaction_at.isoformat()
        else:
            last_interaction_at = self.last_interaction_at

        erased_at: None | str
        if isinstance(self.erased_at, datetime.datetime):
            erased_at = self.erased_at.isoformat()
        else:
            erased_at = self.erased_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "external_ref": external_ref,
                "jurisdiction": jurisdiction,
                "email": email,
                "created_at": created_at,
                "last_interaction_at": last_interaction_at,
                "erased_at": erased_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        jurisdiction = d.pop("jurisdiction")

        email = d.pop("email")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_last_interaction_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_interaction_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_interaction_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_interaction_at = _parse_last_interaction_at(d.pop("last_interaction_at"))

        def _parse_erased_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                erased_at_type_0 = datetime.datetime.fromisoformat(data)

                return erased_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        erased_at = _parse_erased_at(d.pop("erased_at"))

        subject_output = cls(
            id=id,
            external_ref=external_ref,
            jurisdiction=jurisdiction,
            email=email,
            created_at=created_at,
            last_interaction_at=last_interaction_at,
            erased_at=erased_at,
        )

        subject_output.additional_properties = d
        return subject_output

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
