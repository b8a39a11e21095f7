from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuditSignedTreeHead")


@_attrs_define
class AuditSignedTreeHead:
    """
    Attributes:
        tree_size (int):
        root_hash (str): hex
        timestamp (int): ms since the Unix epoch
        signature (str): base64 Ed25519 over the bytes in docs/audit.md
        public_key (str): base64, raw 32 bytes
        key_id (str): RFC 7638 thumbprint of the signing key: its kid in /.well-known/jwks.json (not signed)
    """

    tree_size: int
    root_hash: str
    timestamp: int
    signature: str
    public_key: str
    key_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tree_size = self.tree_size

        root_hash = self.root_hash

        timestamp = self.timestamp

        signature = self.signature

        public_key = self.public_key

        key_id = self.key_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tree_size": tree_size,
                "root_hash": root_hash,
                "timestamp": timestamp,
                "signature": signature,
                "public_key": public_key,
                "key_id": key_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tree_size = d.pop("tree_size")

        root_hash = d.pop("root_hash")

        timestamp = d.pop("timestamp")

        signature = d.pop("signature")

        public_key = d.pop("public_key")

        key_id = d.pop("key_id")

        audit_signed_tree_head = cls(
            tree_size=tree_size,
            root_hash=root_hash,
            timestamp=timestamp,
            signature=signature,
            public_key=public_key,
            key_id=key_id,
        )

        audit_signed_tree_head.additional_properties = d
        return audit_signed_tree_head

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
