from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_enum import MatchEnum

T = TypeVar("T", bound="ScopeOutput")


@_attrs_define
class ScopeOutput:
    """The scope as the officer gave it (tenant slugs, not the stored UUIDs), and as a sentence that reads it as
    the union or intersection it is.

        Attributes:
            match (MatchEnum): * `any` - Any of them (union)
                * `all` - All of them (intersection)
            jurisdictions (list[str]):
            tenants (list[str]):
            subjects (list[UUID]):
            sentence (str): e.g. every subject in GB, or every subject of tenant demo
    """

    match: MatchEnum
    jurisdictions: list[str]
    tenants: list[str]
    subjects: list[UUID]
    sentence: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        match = self.match.value

        jurisdictions = self.jurisdictions

        tenants = self.tenants

        subjects = []
        for subjects_item_data in self.subjects:
            subjects_item = str(subjects_item_data)
            subjects.append(subjects_item)

        sentence = self.sentence

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "match": match,
                "jurisdictions": jurisdictions,
                "tenants": tenants,
                "subjects": subjects,
                "sentence": sentence,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        match = MatchEnum(d.pop("match"))

        jurisdictions = cast(list[str], d.pop("jurisdictions"))

        tenants = cast(list[str], d.pop("tenants"))

        subjects = []
        _subjects = d.pop("subjects")
        for subjects_item_data in _subjects:
            subjects_item = UUID(subjects_item_data)

            subjects.append(subjects_item)

        sentence = d.pop("sentence")

        scope_output = cls(
            match=match,
            jurisdictions=jurisdictions,
            tenants=tenants,
            subjects=subjects,
            sentence=sentence,
        )

        scope_output.additional_properties = d
        return scope_output

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
