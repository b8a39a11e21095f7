from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PreviewSubject")


@_attrs_define
class PreviewSubject:
    """
    Attributes:
        id (UUID):
        tenant (str):
        external_ref (str):
        jurisdiction (str):
    """

    id: UUID
    tenant: str
    external_ref: str
    jurisdiction: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        tenant = self.tenant

        external_ref = self.external_ref

        jurisdiction = self.jurisdiction

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "tenant": tenant,
                "external_ref": external_ref,
                "jurisdiction": jurisdiction,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        tenant = d.pop("tenant")

        external_ref = d.pop("external_ref")

        jurisdiction = d.pop("jurisdiction")

        preview_subject = cls(
            id=id,
            tenant=tenant,
            external_ref=external_ref,
            jurisdiction=jurisdiction,
        )

        preview_subject.additional_properties = d
        return preview_subject

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
