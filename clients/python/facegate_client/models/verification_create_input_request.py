from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="VerificationCreateInputRequest")


@_attrs_define
class VerificationCreateInputRequest:
    """
    Attributes:
        image (File):
        wait (float | Unset):  Default: 0.0.
        threshold (float | None | Unset): A stricter cosine distance than VERIFY_THRESHOLD (FMR 1 %) for a high-value
            check: 0.070 for FMR 0.1 %, 0.057 for 0.01 % (docs/accuracy.md).
    """

    image: File
    wait: float | Unset = 0.0
    threshold: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        wait = self.wait

        threshold: float | None | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
            }
        )
        if wait is not UNSET:
            field_dict["wait"] = wait
        if threshold is not UNSET:
            field_dict["threshold"] = threshold

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        if not isinstance(self.wait, Unset):
            files.append(("wait", (None, str(self.wait).encode(), "text/plain")))

        if not isinstance(self.threshold, Unset):
            if isinstance(self.threshold, float):
                files.append(("threshold", (None, str(self.threshold).encode(), "text/plain")))
            else:
                files.append(("threshold", (None, str(self.threshold).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        wait = d.pop("wait", UNSET)

        def _parse_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))

        verification_create_input_request = cls(
            image=image,
            wait=wait,
            threshold=threshold,
        )

        verification_create_input_request.additional_properties = d
        return verification_create_input_request

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
