from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuditInclusionProof")


@_attrs_define
class AuditInclusionProof:
    """
    Attributes:
        index (int):
        tree_size (int):
        audit_path (list[str]):
    """

    index: int
    tree_size: int
    audit_path: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        tree_size = self.tree_size

        audit_path = self.audit_path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "tree_size": tree_size,
                "audit_path": audit_path,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        index = d.pop("index")

        tree_size = d.pop("tree_size")

        audit_path = cast(list[str], d.pop("audit_path"))

        audit_inclusion_proof = cls(
            index=index,
            tree_size=tree_size,
            audit_path=audit_path,
        )

        audit_inclusion_proof.additional_properties = d
        return audit_inclusion_proof

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
