from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuditEventOutput")


@_attrs_define
class AuditEventOutput:
    """
    Attributes:
        seq (int):
        index (int | None):
        at (datetime.datetime):
        actor (str):
        action (str):
        object_type (str):
        object_id (str):
        details (Any):
        leaf (str):
    """

    seq: int
    index: int | None
    at: datetime.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    details: Any
    leaf: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        index: int | None
        index = self.index

        at = self.at.isoformat()

        actor = self.actor

        action = self.action

        object_type = self.object_type

        object_id = self.object_id

        details = self.details

        leaf = self.leaf

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "index": index,
                "at": at,
                "actor": actor,
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "details": details,
                "leaf": leaf,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        def _parse_index(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        index = _parse_index(d.pop("index"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        action = d.pop("action")

        object_type = d.pop("object_type")

        object_id = d.pop("object_id")

        details = d.pop("details")

        leaf = d.pop("leaf")

        audit_event_output = cls(
            seq=seq,
            index=index,
            at=at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
            leaf=leaf,
        )

        audit_event_output.additional_properties = d
        return audit_event_output

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
