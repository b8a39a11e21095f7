from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.receipt_status_status_enum import ReceiptStatusStatusEnum

T = TypeVar("T", bound="ReceiptStatus")


@_attrs_define
class ReceiptStatus:
    """
    Attributes:
        consent (UUID): The receipt's consentReceiptID.
        status (ReceiptStatusStatusEnum): * `in_force` - in_force
            * `withdrawn` - withdrawn
            * `expired` - expired
            * `purpose_ended` - purpose_ended
            * `erased` - erased
            * `not_in_force` - not_in_force
        in_force (bool):
        since (datetime.datetime | None): When the consent took this status, if known.
        checked_at (datetime.datetime):
        jwt (str): The same fields as JWT claims (with iss and iat), signed EdDSA.
    """

    consent: UUID
    status: ReceiptStatusStatusEnum
    in_force: bool
    since: datetime.datetime | None
    checked_at: datetime.datetime
    jwt: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consent = str(self.consent)

        status = self.status.value

        in_force = self.in_force

        since: None | str
        if isinstance(self.since, datetime.datetime):
            since = self.since.isoformat()
        else:
            since = self.since

        checked_at = self.checked_at.isoformat()

        jwt = self.jwt

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consent": consent,
                "status": status,
                "in_force": in_force,
                "since": since,
                "checked_at": checked_at,
                "jwt": jwt,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        consent = UUID(d.pop("consent"))

        status = ReceiptStatusStatusEnum(d.pop("status"))

        in_force = d.pop("in_force")

        def _parse_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.datetime.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        since = _parse_since(d.pop("since"))

        checked_at = datetime.datetime.fromisoformat(d.pop("checked_at"))

        jwt = d.pop("jwt")

        receipt_status = cls(
            consent=consent,
            status=status,
            in_force=in_force,
            since=since,
            checked_at=checked_at,
            jwt=jwt,
        )

        receipt_status.additional_properties = d
        return receipt_status

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
