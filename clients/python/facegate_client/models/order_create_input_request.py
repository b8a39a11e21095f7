from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_enum import ActionEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scope_request import ScopeRequest


T = TypeVar("T", bound="OrderCreateInputRequest")


@_attrs_define
class OrderCreateInputRequest:
    """
    Attributes:
        regulator (str):
        reference (str):
        action (ActionEnum): * `erase` - Erase
            * `suspend_processing` - Suspend processing
            * `restrict_collection` - Restrict collection
        scope (ScopeRequest): Whom an order or a legal hold reaches. By default (`match: any`) a UNION: a subject is in
            scope when its
            jurisdiction is one of `jurisdictions`, OR its tenant is one of `tenants`, OR it is one of `subjects`; the
            lists never narrow each other (`{"tenants": ["demo"], "jurisdictions": ["US-TX"]}` reaches every subject of
            demo, wherever it lives, and every US-TX subject of every tenant). With `match: all` an INTERSECTION: a subject
            must satisfy every list that names something (`{"match": "all", "tenants": ["demo"], "jurisdictions":
            ["US-TX"]}` reaches demo's US-TX subjects only); an empty list does not narrow. At least one list must name
            something.
        received_at (datetime.datetime):
        issued_at (datetime.datetime | None | Unset):
        deadline (datetime.datetime | None | Unset):
    """

    regulator: str
    reference: str
    action: ActionEnum
    scope: ScopeRequest
    received_at: datetime.datetime
    issued_at: datetime.datetime | None | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        regulator = self.regulator

        reference = self.reference

        action = self.action.value

        scope = self.scope.to_dict()

        received_at = self.received_at.isoformat()

        issued_at: None | str | Unset
        if isinstance(self.issued_at, Unset):
            issued_at = UNSET
        elif isinstance(self.issued_at, datetime.datetime):
            issued_at = self.issued_at.isoformat()
        else:
            issued_at = self.issued_at

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "regulator": regulator,
                "reference": reference,
                "action": action,
                "scope": scope,
                "received_at": received_at,
            }
        )
        if issued_at is not UNSET:
            field_dict["issued_at"] = issued_at
        if deadline is not UNSET:
            field_dict["deadline"] = deadline

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scope_request import ScopeRequest  # noqa: PLC0415

        d = dict(src_dict)
        regulator = d.pop("regulator")

        reference = d.pop("reference")

        action = ActionEnum(d.pop("action"))

        scope = ScopeRequest.from_dict(d.pop("scope"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        def _parse_issued_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_at_type_0 = datetime.datetime.fromisoformat(data)

                return issued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        issued_at = _parse_issued_at(d.pop("issued_at", UNSET))

        def _parse_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))

        order_create_input_request = cls(
            regulator=regulator,
            reference=reference,
            action=action,
            scope=scope,
            received_at=received_at,
            issued_at=issued_at,
            deadline=deadline,
        )

        order_create_input_request.additional_properties = d
        return order_create_input_request

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
