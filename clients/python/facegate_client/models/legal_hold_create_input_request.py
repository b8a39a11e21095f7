from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scope_request import ScopeRequest


T = TypeVar("T", bound="LegalHoldCreateInputRequest")


@_attrs_define
class LegalHoldCreateInputRequest:
    """
    Attributes:
        scope (ScopeRequest): Whom an order or a legal hold reaches. By default (`match: any`) a UNION: a subject is in
            scope when its
            jurisdiction is one of `jurisdictions`, OR its tenant is one of `tenants`, OR it is one of `subjects`; the
            lists never narrow each other (`{"tenants": ["demo"], "jurisdictions": ["US-TX"]}` reaches every subject of
            demo, wherever it lives, and every US-TX subject of every tenant). With `match: all` an INTERSECTION: a subject
            must satisfy every list that names something (`{"match": "all", "tenants": ["demo"], "jurisdictions":
            ["US-TX"]}` reaches demo's US-TX subjects only); an empty list does not narrow. At least one list must name
            something.
        reason (str):
        expires_at (datetime.datetime | None | Unset):
    """

    scope: ScopeRequest
    reason: str
    expires_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        scope = self.scope.to_dict()

        reason = self.reason

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
                "scope": scope,
                "reason": reason,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scope_request import ScopeRequest  # noqa: PLC0415

        d = dict(src_dict)
        scope = ScopeRequest.from_dict(d.pop("scope"))

        reason = d.pop("reason")

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

        legal_hold_create_input_request = cls(
            scope=scope,
            reason=reason,
            expires_at=expires_at,
        )

        legal_hold_create_input_request.additional_properties = d
        return legal_hold_create_input_request

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
