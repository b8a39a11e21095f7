from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.access_request_output_status_enum import AccessRequestOutputStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccessRequestOutput")


@_attrs_define
class AccessRequestOutput:
    """
    Attributes:
        id (UUID):
        jurisdiction (str):
        tenant (None | str):
        received_at (datetime.datetime):
        due_at (datetime.datetime):
        overdue (bool): Past its due time while an answer is owed
        deadline_state (str): overdue, due_soon (within 7 days), on_time, or empty when no answer is owed (answered, or
            the requester has not confirmed it yet)
        status (AccessRequestOutputStatusEnum | Unset): * `awaiting_verification` - Awaiting the requester's
            confirmation
            * `awaiting_officer` - Awaiting an officer
            * `done` - Answered
        source (str | Unset):
        verified_at (datetime.datetime | None | Unset):
        completed_at (datetime.datetime | None | Unset):
        subjects (list[UUID] | Unset):
        paused_at (datetime.datetime | None | Unset):
        extended_at (datetime.datetime | None | Unset):
        extension_reason (str | Unset):
        clock (Any | Unset):
    """

    id: UUID
    jurisdiction: str
    tenant: None | str
    received_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    deadline_state: str
    status: AccessRequestOutputStatusEnum | Unset = UNSET
    source: str | Unset = UNSET
    verified_at: datetime.datetime | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    subjects: list[UUID] | Unset = UNSET
    paused_at: datetime.datetime | None | Unset = UNSET
    extended_at: datetime.datetime | None | Unset = UNSET
    extension_reason: str | Unset = UNSET
    clock: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        jurisdiction = self.jurisdiction

        tenant: None | str
        tenant = self.tenant

        received_at = self.received_at.isoformat()

        due_at = self.due_at.isoformat()

        overdue = self.overdue

        deadline_state = self.deadline_state

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        source = self.source

        verified_at: None | str | Unset
        if isinstance(self.verified_at, Unset):
            verified_at = UNSET
        elif isinstance(self.verified_at, datetime.datetime):
            verified_at = self.verified_at.isoformat()
        else:
            verified_at = self.verified_at

        completed_at: None | str | Unset
        if isinstance(self.completed_at, Unset):
            completed_at = UNSET
        elif isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        subjects: list[str] | Unset = UNSET
        if not isinstance(self.subjects, Unset):
            subjects = []
            for subjects_item_data in self.subjects:
                subjects_item = str(subjects_item_data)
                subjects.append(subjects_item)

        paused_at: None | str | Unset
        if isinstance(self.paused_at, Unset):
            paused_at = UNSET
        elif isinstance(self.paused_at, datetime.datetime):
            paused_at = self.paused_at.isoformat()
        else:
            paused_at = self.paused_at

        extended_at: None | str | Unset
        if isinstance(self.extended_at, Unset):
            extended_at = UNSET
        elif isinstance(self.extended_at, datetime.datetime):
            extended_at = self.extended_at.isoformat()
        else:
            extended_at = self.extended_at

        extension_reason = self.extension_reason

        clock = self.clock

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "jurisdiction": jurisdiction,
                "tenant": tenant,
                "received_at": received_at,
                "due_at": due_at,
                "overdue": overdue,
                "deadline_state": deadline_state,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if source is not UNSET:
            field_dict["source"] = source
        if verified_at is not UNSET:
            field_dict["verified_at"] = verified_at
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if subjects is not UNSET:
            field_dict["subjects"] = subjects
        if paused_at is not UNSET:
            field_dict["paused_at"] = paused_at
        if extended_at is not UNSET:
            field_dict["extended_at"] = extended_at
        if extension_reason is not UNSET:
            field_dict["extension_reason"] = extension_reason
        if clock is not UNSET:
            field_dict["clock"] = clock

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        jurisdiction = d.pop("jurisdiction")

        def _parse_tenant(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tenant = _parse_tenant(d.pop("tenant"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        overdue = d.pop("overdue")

        deadline_state = d.pop("deadline_state")

        _status = d.pop("status", UNSET)
        status: AccessRequestOutputStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = AccessRequestOutputStatusEnum(_status)

        source = d.pop("source", UNSET)

        def _parse_verified_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                verified_at_type_0 = datetime.datetime.fromisoformat(data)

                return verified_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        verified_at = _parse_verified_at(d.pop("verified_at", UNSET))

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

        _subjects = d.pop("subjects", UNSET)
        subjects: list[UUID] | Unset = UNSET
        if _subjects is not UNSET:
            subjects = []
            for subjects_item_data in _subjects:
                subjects_item = UUID(subjects_item_data)

                subjects.append(subjects_item)

        def _parse_paused_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_at_type_0 = datetime.datetime.fromisoformat(data)

                return paused_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        paused_at = _parse_paused_at(d.pop("paused_at", UNSET))

        def _parse_extended_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                extended_at_type_0 = datetime.datetime.fromisoformat(data)

                return extended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        extended_at = _parse_extended_at(d.pop("extended_at", UNSET))

        extension_reason = d.pop("extension_reason", UNSET)

        clock = d.pop("clock", UNSET)

        access_request_output = cls(
            id=id,
            jurisdiction=jurisdiction,
            tenant=tenant,
            received_at=received_at,
            due_at=due_at,
            overdue=overdue,
            deadline_state=deadline_state,
            status=status,
            source=source,
            verified_at=verified_at,
            completed_at=completed_at,
            subjects=subjects,
            paused_at=paused_at,
            extended_at=extended_at,
            extension_reason=extension_reason,
            clock=clock,
        )

        access_request_output.additional_properties = d
        return access_request_output

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
