from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_enum import ActionEnum
from ..models.order_output_status_enum import OrderOutputStatusEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.scope_output import ScopeOutput


T = TypeVar("T", bound="OrderOutput")


@_attrs_define
class OrderOutput:
    """
    Attributes:
        id (UUID):
        regulator (str):
        reference (str):
        action (ActionEnum): * `erase` - Erase
            * `suspend_processing` - Suspend processing
            * `restrict_collection` - Restrict collection
        scope (ScopeOutput): The scope as the officer gave it (tenant slugs, not the stored UUIDs), and as a sentence
            that reads it as
            the union or intersection it is.
        received_at (datetime.datetime):
        created_at (datetime.datetime):
        certificate (None | str): The latest erasure pass's certificate.
        certificates (list[str]):
        status (OrderOutputStatusEnum | Unset): * `received` - Received
            * `running` - Running
            * `done` - Done
            * `blocked_by_hold` - Blocked by legal hold
        issued_at (datetime.datetime | None | Unset):
        deadline (datetime.datetime | None | Unset):
        completed_at (datetime.datetime | None | Unset):
        lifted_at (datetime.datetime | None | Unset):
        subjects_total (int | Unset):
        subjects_erased (int | Unset):
        held_subjects (list[UUID] | Unset):
        exceptions (Any | Unset):
    """

    id: UUID
    regulator: str
    reference: str
    action: ActionEnum
    scope: ScopeOutput
    received_at: datetime.datetime
    created_at: datetime.datetime
    certificate: None | str
    certificates: list[str]
    status: OrderOutputStatusEnum | Unset = UNSET
    issued_at: datetime.datetime | None | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    lifted_at: datetime.datetime | None | Unset = UNSET
    subjects_total: int | Unset = UNSET
    subjects_erased: int | Unset = UNSET
    held_subjects: list[UUID] | Unset = UNSET
    exceptions: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        regulator = self.regulator

        reference = self.reference

        action = self.action.value

        scope = self.scope.to_dict()

        received_at = self.received_at.isoformat()

        created_at = self.created_at.isoformat()

        certificate: None | str
        certificate = self.certificate

        certificates = self.certificates

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

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

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        lifted_at: None | str | Unset
        if isinstance(self.lifted_at, Unset):
            lifted_at = UNSET
        elif isinstance(self.lifted_at, datetime.datetime):
            lifted_at = self.lifted_at.isoformat()
        else:
            lifted_at = self.lifted_at

        subjects_total = self.subjects_total

        subjects_erased = self.subjects_erased

        held_subjects: list[str] | Unset = UNSET
        if not isinstance(self.held_subjects, Unset):
            held_subjects = []
            for held_subjects_item_data in self.held_subjects:
                held_subjects_item = str(held_subjects_item_data)
                held_subjects.append(held_subjects_item)

        exceptions = self.exceptions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "regulator": regulator,
                "reference": reference,
                "action": action,
                "scope": scope,
                "received_at": received_at,
                "created_at": created_at,
                "certificate": certificate,
                "certificates": certificates,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if issued_at is not UNSET:
            field_dict["issued_at"] = issued_at
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if lifted_at is not UNSET:
            field_dict["lifted_at"] = lifted_at
        if subjects_total is not UNSET:
            field_dict["subjects_total"] = subjects_total
        if subjects_erased is not UNSET:
            field_dict["subjects_erased"] = subjects_erased
        if held_subjects is not UNSET:
            field_dict["held_subjects"] = held_subjects
        if exceptions is not UNSET:
            field_dict["exceptions"] = exceptions

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scope_output import ScopeOutput  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        regulator = d.pop("regulator")

        reference = d.pop("reference")

        action = ActionEnum(d.pop("action"))

        scope = ScopeOutput.from_dict(d.pop("scope"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_certificate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        certificate = _parse_certificate(d.pop("certificate"))

        certificates = cast(list[str], d.pop("certificates"))

        _status = d.pop("status", UNSET)
        status: OrderOutputStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = OrderOutputStatusEnum(_status)

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

        def _parse_completed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completed_at = _parse_completed_at(d.pop("completed_at", UNSET))

        def _parse_lifted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lifted_at_type_0 = datetime.datetime.fromisoformat(data)

                return lifted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        lifted_at = _parse_lifted_at(d.pop("lifted_at", UNSET))

        subjects_total = d.pop("subjects_total", UNSET)

        subjects_erased = d.pop("subjects_erased", UNSET)

        _held_subjects = d.pop("held_subjects", UNSET)
        held_subjects: list[UUID] | Unset = UNSET
        if _held_subjects is not UNSET:
            held_subjects = []
            for held_subjects_item_data in _held_subjects:
                held_subjects_item = UUID(held_subjects_item_data)

                held_subjects.append(held_subjects_item)

        exceptions = d.pop("exceptions", UNSET)

        order_output = cls(
            id=id,
            regulator=regulator,
            reference=reference,
            action=action,
            scope=scope,
            received_at=received_at,
            created_at=created_at,
            certificate=certificate,
            certificates=certificates,
            status=status,
            issued_at=issued_at,
            deadline=deadline,
            completed_at=completed_at,
            lifted_at=lifted_at,
            subjects_total=subjects_total,
            subjects_erased=subjects_erased,
            held_subjects=held_subjects,
            exceptions=exceptions,
        )

        order_output.additional_properties = d
        return order_output

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
