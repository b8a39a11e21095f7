from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditVerify")


@_attrs_define
class AuditVerify:
    """
    Attributes:
        valid (bool):
        tree_size (int | Unset):
        root_hash (str | Unset):
        heads (int | Unset):
        pending (int | Unset):
        bad_index (int | Unset):
        reason (str | Unset):
        heads_checked (int | Unset):
    """

    valid: bool
    tree_size: int | Unset = UNSET
    root_hash: str | Unset = UNSET
    heads: int | Unset = UNSET
    pending: int | Unset = UNSET
    bad_index: int | Unset = UNSET
    reason: str | Unset = UNSET
    heads_checked: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        valid = self.valid

        tree_size = self.tree_size

        root_hash = self.root_hash

        heads = self.heads

        pending = self.pending

        bad_index = self.bad_index

        reason = self.reason

        heads_checked = self.heads_checked

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "valid": valid,
            }
        )
        if tree_size is not UNSET:
            field_dict["tree_size"] = tree_size
        if root_hash is not UNSET:
            field_dict["root_hash"] = root_hash
        if heads is not UNSET:
            field_dict["heads"] = heads
        if pending is not UNSET:
            field_dict["pending"] = pending
        if bad_index is not UNSET:
            field_dict["bad_index"] = bad_index
        if reason is not UNSET:
            field_dict["reason"] = reason
        if heads_checked is not UNSET:
            field_dict["heads_checked"] = heads_checked

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        valid = d.pop("valid")

        tree_size = d.pop("tree_size", UNSET)

        root_hash = d.pop("root_hash", UNSET)

        heads = d.pop("heads", UNSET)

        pending = d.pop("pending", UNSET)

        bad_index = d.pop("bad_index", UNSET)

        reason = d.pop("reason", UNSET)

        heads_checked = d.pop("heads_checked", UNSET)

        audit_verify = cls(
            valid=valid,
            tree_size=tree_size,
            root_hash=root_hash,
            heads=heads,
            pending=pending,
            bad_index=bad_index,
            reason=reason,
            heads_checked=heads_checked,
        )

        audit_verify.additional_properties = d
        return audit_verify

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
