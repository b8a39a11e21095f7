from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.anchor_enum import AnchorEnum
from ..models.blank_enum import BlankEnum
from ..models.purpose_enum import PurposeEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="RetentionRuleCreateInputRequest")


@_attrs_define
class RetentionRuleCreateInputRequest:
    """
    Attributes:
        anchor (AnchorEnum): * `granted` - Consent granted
            * `last_interaction` - Last interaction
            * `purpose_end` - Purpose met or ended
        jurisdiction (None | str | Unset):
        tenant (None | str | Unset):
        purpose (BlankEnum | PurposeEnum | Unset):  Default: BlankEnum.VALUE_0.
        max_age_months (int | Unset):  Default: 0.
        max_age_days (int | Unset):  Default: 0.
        citation (str | Unset):  Default: ''.
    """

    anchor: AnchorEnum
    jurisdiction: None | str | Unset = UNSET
    tenant: None | str | Unset = UNSET
    purpose: BlankEnum | PurposeEnum | Unset = BlankEnum.VALUE_0
    max_age_months: int | Unset = 0
    max_age_days: int | Unset = 0
    citation: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        anchor = self.anchor.value

        jurisdiction: None | str | Unset
        if isinstance(self.jurisdiction, Unset):
            jurisdiction = UNSET
        else:
            jurisdiction = self.jurisdiction

        tenant: None | str | Unset
        if isinstance(self.tenant, Unset):
            tenant = UNSET
        else:
            tenant = self.tenant

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "anchor": anchor,
            }
        )
        if jurisdiction is not UNSET:
            field_dict["jurisdiction"] = jurisdiction
        if tenant is not UNSET:
            field_dict["tenant"] = tenant
        if purpose is not UNSET:
            field_dict["purpose"] = purpose
        if max_age_months is not UNSET:
            field_dict["max_age_months"] = max_age_months
        if max_age_days is not UNSET:
            field_dict["max_age_days"] = max_age_days
        if citation is not UNSET:
            field_dict["citation"] = citation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        anchor = AnchorEnum(d.pop("anchor"))

        def _parse_jurisdiction(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        jurisdiction = _parse_jurisdiction(d.pop("jurisdiction", UNSET))

        def _parse_tenant(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tenant = _parse_tenant(d.pop("tenant", UNSET))

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

        retention_rule_create_input_request = cls(
            anchor=anchor,
            jurisdiction=jurisdiction,
            tenant=tenant,
            purpose=purpose,
            max_age_months=max_age_months,
            max_age_days=max_age_days,
            citation=citation,
        )

        retention_rule_create_input_request.additional_properties = d
        return retention_rule_create_input_request

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
