from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.match_enum import MatchEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScopeRequest")


@_attrs_define
class ScopeRequest:
    """Whom an order or a legal hold reaches. By default (`match: any`) a UNION: a subject is in scope when its
    jurisdiction is one of `jurisdictions`, OR its tenant is one of `tenants`, OR it is one of `subjects`; the
    lists never narrow each other (`{"tenants": ["demo"], "jurisdictions": ["US-TX"]}` reaches every subject of
    demo, wherever it lives, and every US-TX subject of every tenant). With `match: all` an INTERSECTION: a subject
    must satisfy every list that names something (`{"match": "all", "tenants": ["demo"], "jurisdictions":
    ["US-TX"]}` reaches demo's US-TX subjects only); an empty list does not narrow. At least one list must name
    something.

        Attributes:
            match (MatchEnum | Unset): * `any` - Any of them (union)
                * `all` - All of them (intersection) Default: MatchEnum.ANY.
            jurisdictions (list[str] | Unset): One of these.
            tenants (list[str] | Unset): One of these.
            subjects (list[UUID] | Unset): One of these.
    """

    match: MatchEnum | Unset = MatchEnum.ANY
    jurisdictions: list[str] | Unset = UNSET
    tenants: list[str] | Unset = UNSET
    subjects: list[UUID] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        match: str | Unset = UNSET
        if not isinstance(self.match, Unset):
            match = self.match.value

        jurisdictions: list[str] | Unset = UNSET
        if not isinstance(self.jurisdictions, Unset):
            jurisdictions = self.jurisdictions

        tenants: list[str] | Unset = UNSET
        if not isinstance(self.tenants, Unset):
            tenants = self.tenants

        subjects: list[str] | Unset = UNSET
        if not isinstance(self.subjects, Unset):
            subjects = []
            for subjects_item_data in self.subjects:
                subjects_item = str(subjects_item_data)
                subjects.append(subjects_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if match is not UNSET:
            field_dict["match"] = match
        if jurisdictions is not UNSET:
            field_dict["jurisdictions"] = jurisdictions
        if tenants is not UNSET:
            field_dict["tenants"] = tenants
        if subjects is not UNSET:
            field_dict["subjects"] = subjects

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _match = d.pop("match", UNSET)
        match: MatchEnum | Unset
        if isinstance(_match, Unset):
            match = UNSET
        else:
            match = MatchEnum(_match)

        jurisdictions = cast(list[str], d.pop("jurisdictions", UNSET))

        tenants = cast(list[str], d.pop("tenants", UNSET))

        _subjects = d.pop("subjects", UNSET)
        subjects: list[UUID] | Unset = UNSET
        if _subjects is not UNSET:
            subjects = []
            for subjects_item_data in _subjects:
                subjects_item = UUID(subjects_item_data)

                subjects.append(subjects_item)

        scope_request = cls(
            match=match,
            jurisdictions=jurisdictions,
            tenants=tenants,
            subjects=subjects,
        )

        scope_request.additional_properties = d
        return scope_request

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
