from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.blank_enum import BlankEnum
from ..models.erasure_request_output_status_enum import ErasureRequestOutputStatusEnum
from ..models.lookup_status_enum import LookupStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ErasureRequestOutput")


@_attrs_define
class ErasureRequestOutput:
    """
    Attributes:
        id (UUID):
        jurisdiction (str):
        tenant (None | str):
        subject (None | UUID):
        received_at (datetime.datetime):
        due_at (datetime.datetime):
        certificate (None | UUID):
        overdue (bool): Past its due time while an answer is owed
        deadline_state (str): overdue, due_soon (within 7 days), on_time, or empty when no answer is owed (answered, or
            the requester has not confirmed it yet)
        status (ErasureRequestOutputStatusEnum | Unset): * `awaiting_verification` - Awaiting the requester's
            confirmation
            * `awaiting_officer` - Awaiting an officer
            * `running` - Running
            * `done` - Done
            * `blocked_by_hold` - Blocked by legal hold
            * `refused` - Refused
        source (str | Unset):
        lookup_status (BlankEnum | LookupStatusEnum | Unset):
        candidates (list[UUID] | Unset):
        candidate_scores (Any | Unset):
        verified_at (datetime.datetime | None | Unset):
        completed_at (datetime.datetime | None | Unset):
        subjects_erased (int | Unset):
        held_subjects (list[UUID] | Unset):
        paused_at (datetime.datetime | None | Unset):
        extended_at (datetime.datetime | None | Unset):
        extension_reason (str | Unset):
        refusal_basis (str | Unset):
        refused_subjects (list[UUID] | Unset):
        clock (Any | Unset):
    """

    id: UUID
    jurisdiction: str
    tenant: None | str
    subject: None | UUID
    received_at: datetime.datetime
    due_at: datetime.datetime
    certificate: None | UUID
    overdue: bool
    deadline_state: str
    status: ErasureRequestOutputStatusEnum | Unset = UNSET
    source: str | Unset = UNSET
    lookup_status: BlankEnum | LookupStatusEnum | Unset = UNSET
    candidates: list[UUID] | Unset = UNSET
    candidate_scores: Any | Unset = UNSET
    verified_at: datetime.datetime | None | Unset = UNSET
    completed_at: datetime.datetime | None | Unset = UNSET
    subjects_erased: int | Unset = UNSET
    held_subjects: list[UUID] | Unset = UNSET
    paused_at: datetime.datetime | None | Unset = UNSET
    extended_at: datetime.datetime | None | Unset = UNSET
    extension_reason: str | Unset = UNSET
    refusal_basis: str | Unset = UNSET
    refused_subjects: list[UUID] | Unset = UNSET
    clock: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        jurisdiction = self.jurisdiction

        tenant: None | str
        tenant = self.tenant

        subject: None | str
        if isinstance(self.subject, UUID):
            subject = str(self.subject)
        else:
            subject = self.subject

        received_at = self.received_at.isoformat()

        due_at = self.due_at.isoformat()

        certificate: None | str
        if isinstance(self.certificate, UUID):
            certificate = str(self.certificate)
        else:
            certificate = self.certificate

        overdue = self.overdue

        deadline_state = self.deadline_state

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        source = self.source

        lookup_status: str | Unset
        if isinstance(self.lookup_status, Unset):
            lookup_status = UNSET
        elif isinstance(self.lookup_status, LookupStatusEnum):
            lookup_status = self.lookup_status.value
        else:
            lookup_status = self.lookup_status.value

        candidates: list[str] | Unset = UNSET
        if not isinstance(self.candidates, Unset):
            candidates = []
            for candidates_item_data in self.candidates:
                candidates_item = str(candidates_item_data)
                candidates.append(candidates_item)

        candidate_scores = self.candidate_scores

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

        subjects_erased = self.subjects_erased

        held_subjects: list[str] | Unset = UNSET
        if not isinstance(self.held_subjects, Unset):
            held_subjects = []
            for held_subjects_item_data in self.held_subjects:
                held_subjects_item = str(held_subjects_item_data)
                held_subjects.append(held_subjects_item)

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

        refusal_basis = self.refusal_basis

        refused_subjects: list[str] | Unset = UNSET
        if not isinstance(self.refused_subjects, Unset):
            refused_subjects = []
            for refused_subjects_item_data in self.refused_subjects:
                refused_subjects_item = str(refused_subjects_item_data)
                refused_subjects.append(refused_subjects_item)

        clock = self.clock

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "jurisdiction": jurisdiction,
                "tenant": tenant,
                "subject": subject,
                "received_at": received_at,
                "due_at": due_at,
                "certificate": certificate,
                "overdue": overdue,
                "deadline_state": deadline_state,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if source is not UNSET:
            field_dict["source"] = source
        if lookup_status is not UNSET:
            field_dict["lookup_status"] = lookup_status
        if candidates is not UNSET:
            field_dict["candidates"] = candidates
        if candidate_scores is not UNSET:
            field_dict["candidate_scores"] = candidate_scores
        if verified_at is not UNSET:
            field_dict["verified_at"] = verified_at
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if subjects_erased is not UNSET:
            field_dict["subjects_erased"] = subjects_erased
        if held_subjects is not UNSET:
            field_dict["held_subjects"] = held_subjects
        if paused_at is not UNSET:
            field_dict["paused_at"] = paused_at
        if extended_at is not UNSET:
            field_dict["extended_at"] = extended_at
        if extension_reason is not UNSET:
            field_dict["extension_reason"] = extension_reason
        if refusal_basis is not UNSET:
            field_dict["refusal_basis"] = refusal_basis
        if refused_subjects is not UNSET:
            field_dict["refused_subjects"] = refused_subjects
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

        def _parse_subject(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                subject_type_0 = UUID(data)

                return subject_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        subject = _parse_subject(d.pop("subject"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        def _parse_certificate(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                certificate_type_0 = UUID(data)

                return certificate_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        certificate = _parse_certificate(d.pop("certificate"))

        overdue = d.pop("overdue")

        deadline_state = d.pop("deadline_state")

        _status = d.pop("status", UNSET)
        status: ErasureRequestOutputStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ErasureRequestOutputStatusEnum(_status)

        source = d.pop("source", UNSET)

        def _parse_lookup_status(data: object) -> BlankEnum | LookupStatusEnum | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lookup_status_type_0 = LookupStatusEnum(data)

                return lookup_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, str):
                raise TypeError()
            lookup_status_type_1 = BlankEnum(data)

            return lookup_status_type_1

        lookup_status = _parse_lookup_status(d.pop("lookup_status", UNSET))

        _candidates = d.pop("candidates", UNSET)
        candidates: list[UUID] | Unset = UNSET
        if _candidates is not UNSET:
            candidates = []
            for candidates_item_data in _candidates:
                candidates_item = UUID(candidates_item_data)

                candidates.append(candidates_item)

        candidate_scores = d.pop("candidate_scores", UNSET)

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

        subjects_erased = d.pop("subjects_erased", UNSET)

        _held_subjects = d.pop("held_subjects", UNSET)
        held_subjects: list[UUID] | Unset = UNSET
        if _held_subjects is not UNSET:
            held_subjects = []
            for held_subjects_item_data in _held_subjects:
                held_subjects_item = UUID(held_subjects_item_data)

                held_subjects.append(held_subjects_item)

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

        refusal_basis = d.pop("refusal_basis", UNSET)

        _refused_subjects = d.pop("refused_subjects", UNSET)
        refused_subjects: list[UUID] | Unset = UNSET
        if _refused_subjects is not UNSET:
            refused_subjects = []
            for refused_subjects_item_data in _refused_subjects:
                refused_subjects_item = UUID(refused_subjects_item_data)

                refused_subjects.append(refused_subjects_item)

        clock = d.pop("clock", UNSET)

        erasure_request_output = cls(
            id=id,
            jurisdiction=jurisdiction,
            tenant=tenant,
            subject=subject,
            received_at=received_at,
            due_at=due_at,
            certificate=certificate,
            overdue=overdue,
            deadline_state=deadline_state,
            status=status,
            source=source,
            lookup_status=lookup_status,
            candidates=candidates,
            candidate_scores=candidate_scores,
            verified_at=verified_at,
            completed_at=completed_at,
            subjects_erased=subjects_erased,
            held_subjects=held_subjects,
            paused_at=paused_at,
            extended_at=extended_at,
            extension_reason=extension_reason,
            refusal_basis=refusal_basis,
            refused_subjects=refused_subjects,
            clock=clock,
        )

        erasure_request_output.additional_properties = d
        return erasure_request_output

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
