from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.subject_detail_consents_item import SubjectDetailConsentsItem


T = TypeVar("T", bound="SubjectDetail")


@_attrs_define
class SubjectDetail:
    """
    Attributes:
        id (UUID):
        external_ref (None | str):
        jurisdiction (str):
        email (str):
        created_at (datetime.datetime):
        last_interaction_at (datetime.datetime | None):
        erased_at (datetime.datetime | None):
        consents (list[SubjectDetailConsentsItem]):
        templates (int):
    """

    id: UUID
    external_ref: None | str
    jurisdiction: str
    email: str
    created_at: datetime.datetime
    last_interaction_at: datetime.datetime | None
    erased_at: datetime.datetime | None
    consents: list[SubjectDetailConsentsItem]
    templates: int
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

        consents = []
        for consents_item_data in self.consents:
            consents_item = consents_item_data.to_dict()
            consents.append(consents_item)

        templates = self.templates

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
                "consents": consents,
                "templates": templates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subject_detail_consents_item import SubjectDetailConsentsItem  # noqa: PLC0415

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

        consents = []
        _consents = d.pop("consents")
        for consents_item_data in _consents:
            consents_item = SubjectDetailConsentsItem.from_dict(consents_item_data)

            consents.append(consents_item)

        templates = d.pop("templates")

        subject_detail = cls(
            id=id,
            external_ref=external_ref,
            jurisdiction=jurisdiction,
            email=email,
            created_at=created_at,
            last_interaction_at=last_interaction_at,
            erased_at=erased_at,
            consents=consents,
            templates=templates,
        )

        subject_detail.additional_properties = d
        return subject_detail

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
