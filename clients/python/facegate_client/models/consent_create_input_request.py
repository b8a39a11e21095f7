from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.method_enum import MethodEnum
from ..models.purpose_enum import PurposeEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consent_create_input_request_evidence import ConsentCreateInputRequestEvidence


T = TypeVar("T", bound="ConsentCreateInputRequest")


@_attrs_define
class ConsentCreateInputRequest:
    """
    Attributes:
        purpose (PurposeEnum): * `identity_verification` - Identity verification (1:1)
            * `fraud_prevention` - Fraud prevention (1:N)
            * `access_control` - Access control (1:N)
        notice (UUID):
        method (MethodEnum): * `written_release` - Written release
            * `electronic_signature` - Electronic signature
            * `explicit_opt_in` - Explicit opt-in
        evidence (ConsentCreateInputRequestEvidence | Unset):
        expires_at (datetime.datetime | None | Unset):
    """

    purpose: PurposeEnum
    notice: UUID
    method: MethodEnum
    evidence: ConsentCreateInputRequestEvidence | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        purpose = self.purpose.value

        notice = str(self.notice)

        method = self.method.value

        evidence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.evidence, Unset):
            evidence = self.evidence.to_dict()

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "purpose": purpose,
                "notice": notice,
                "method": method,
            }
        )
        if evidence is not UNSET:
            field_dict["evidence"] = evidence
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent_create_input_request_evidence import ConsentCreateInputRequestEvidence  # noqa: PLC0415

        d = dict(src_dict)
        purpose = PurposeEnum(d.pop("purpose"))

        notice = UUID(d.pop("notice"))

        method = MethodEnum(d.pop("method"))

        _evidence = d.pop("evidence", UNSET)
        evidence: ConsentCreateInputRequestEvidence | Unset
        if isinstance(_evidence, Unset):
            evidence = UNSET
        else:
            evidence = ConsentCreateInputRequestEvidence.from_dict(_evidence)

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

        consent_create_input_request = cls(
            purpose=purpose,
            notice=notice,
            method=method,
            evidence=evidence,
            expires_at=expires_at,
        )

        consent_create_input_request.additional_properties = d
        return consent_create_input_request

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
