from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.anchor_enum import AnchorEnum
from ..models.blank_enum import BlankEnum
from ..models.purpose_enum import PurposeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RetentionRuleOutput")


@_attrs_define
class RetentionRuleOutput:
    """
    Attributes:
        id (int):
        jurisdiction (None | str):
        tenant (None | str):
        anchor (AnchorEnum): * `granted` - Consent granted
            * `last_interaction` - Last interaction
            * `purpose_end` - Purpose met or ended
        created_at (datetime.datetime):
        purpose (BlankEnum | PurposeEnum | Unset):
        max_age_months (int | Unset):
        max_age_days (int | Unset):
        citation (str | Unset):
        active (bool | Unset):
    """

    id: int
    jurisdiction: None | str
    tenant: None | str
    anchor: AnchorEnum
    created_at: datetime.datetime
    purpose: BlankEnum | PurposeEnum | Unset = UNSET
    max_age_months: int | Unset = UNSET
    max_age_days: int | Unset = UNSET
    citation: str | Unset = UNSET
    active: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        jurisdiction: None | str
        jurisdiction = self.jurisdiction

        tenant: None | str
        tenant = self.tenant

        anchor = self.anchor.value

        created_at = self.created_at.isoformat()

        purpose: str | Unset
        if isinstance(self.purpose, Unset):
            purpose = UNSET
        elif isinstance(self.purpose, PurposeEnum):
            purpose = self.purpose.value
        else:
            purpose = self.purpose.value

        max_age_months = self.max_age_months

        max_age_days = self.max_age_days

        citation = self.citation

        active = self.active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "jurisdiction": jurisdiction,
                "tenant": tenant,
                "anchor": anchor,
                "created_at": created_at,
            }
        )
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if max_age_months is not UNSET:
            field_dict["max_age_months"] = max_age_months
        if max_age_days is not UNSET:
            field_dict["max_age_days"] = max_age_days
        if citation is not UNSET:
            field_dict["citation"] = citation
        if active is not UNSET:
            field_dict["active"] = active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_jurisdiction(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        jurisdiction = _parse_jurisdiction(d.pop("jurisdiction"))

        def _parse_tenant(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tenant = _parse_tenant(d.pop("tenant"))

        anchor = AnchorEnum(d.pop("anchor"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_purpose(data: object) -> BlankEnum | PurposeEnum | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                purpose_type_0 = PurposeEnum(data)

                return purpose_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            purpose_type_1 = BlankEnum(data)

            return purpose_type_1

        purpose = _parse_purpose(d.pop("purpose", UNSET))

        max_age_months = d.pop("max_age_months", UNSET)

        max_age_days = d.pop("max_age_days", UNSET)

        citation = d.pop("citation", UNSET)

        active = d.pop("active", UNSET)

        retention_rule_output = cls(
            id=id,
            jurisdiction=jurisdiction,
            tenant=tenant,
            anchor=anchor,
            created_at=created_at,
            purpose=purpose,
            max_age_months=max_age_months,
            max_age_days=max_age_days,
            citation=citation,
            active=active,
        )

        retention_rule_output.additional_properties = d
        return retention_rule_output

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
