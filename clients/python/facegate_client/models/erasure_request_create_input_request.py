from __future__ import annotations

import datetime
from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, FileTypes, Unset

T = TypeVar("T", bound="ErasureRequestCreateInputRequest")


@_attrs_define
class ErasureRequestCreateInputRequest:
    """
    Attributes:
        email (str):
        jurisdiction (str):
        tenant (str | Unset):
        external_ref (str | Unset):
        received_at (datetime.datetime | None | Unset):
        selfie (File | None | Unset):
    """

    email: str
    jurisdiction: str
    tenant: str | Unset = UNSET
    external_ref: str | Unset = UNSET
    received_at: datetime.datetime | None | Unset = UNSET
    selfie: File | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        jurisdiction = self.jurisdiction

        tenant = self.tenant

        external_ref = self.external_ref

        received_at: None | str | Unset
        if isinstance(self.received_at, Unset):
            received_at = UNSET
        elif isinstance(self.received_at, datetime.datetime):
            received_at = self.received_at.isoformat()
        else:
            received_at = self.received_at

        selfie: FileTypes | None | Unset
        if isinstance(self.selfie, Unset):
            selfie = UNSET
        elif isinstance(self.selfie, File):
            selfie = self.selfie.to_tuple()

        else:
            selfie = self.selfie

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
                "jurisdiction": jurisdiction,
            }
        )
        if tenant is not UNSET:
            field_dict["tenant"] = tenant
        if external_ref is not UNSET:
            field_dict["external_ref"] = external_ref
        if received_at is not UNSET:
            field_dict["received_at"] = received_at
        if selfie is not UNSET:
            field_dict["selfie"] = selfie

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("email", (None, str(self.email).encode(), "text/plain")))

        files.append(("jurisdiction", (None, str(self.jurisdiction).encode(), "text/plain")))

        if not isinstance(self.tenant, Unset):
            files.append(("tenant", (None, str(self.tenant).encode(), "text/plain")))

        if not isinstance(self.external_ref, Unset):
            files.append(("external_ref", (None, str(self.external_ref).encode(), "text/plain")))

        if not isinstance(self.received_at, Unset):
            if isinstance(self.received_at, datetime.datetime):
                files.append(("received_at", (None, self.received_at.isoformat().encode(), "text/plain")))
            else:
                files.append(("received_at", (None, str(self.received_at).encode(), "text/plain")))

        if not isinstance(self.selfie, Unset):
            if isinstance(self.selfie, File):
                files.append(("selfie", self.selfie.to_tuple()))
            else:
                files.append(("selfie", (None, str(self.selfie).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        jurisdiction = d.pop("jurisdiction")

        tenant = d.pop("tenant", UNSET)

        external_ref = d.pop("external_ref", UNSET)

        def _parse_received_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                received_at_type_0 = datetime.datetime.fromisoformat(data)

                return received_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        received_at = _parse_received_at(d.pop("received_at", UNSET))

        def _parse_selfie(data: object) -> File | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, bytes):
                    raise TypeError()
                selfie_type_0 = File(payload=BytesIO(data))

                return selfie_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(File | None | Unset, data)

        selfie = _parse_selfie(d.pop("selfie", UNSET))

        erasure_request_create_input_request = cls(
            email=email,
            jurisdiction=jurisdiction,
            tenant=tenant,
            external_ref=external_ref,
            received_at=received_at,
            selfie=selfie,
        )

        erasure_request_create_input_request.additional_properties = d
        return erasure_request_create_input_request

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
