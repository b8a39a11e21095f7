from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.purpose_enum import PurposeEnum
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="MatchCreateInputRequest")


@_attrs_define
class MatchCreateInputRequest:
    """
    Attributes:
        image (File):
        purpose (PurposeEnum): * `identity_verification` - Identity verification (1:1)
            * `fraud_prevention` - Fraud prevention (1:N)
            * `access_control` - Access control (1:N)
        top_k (int | Unset):  Default: 5.
        threshold (float | None | Unset):
        wait (float | Unset):  Default: 0.0.
        review (bool | Unset): Also return, as review_candidates, the people just outside the decision down to FPIR 10 %
            (never matches; audited). Default: False.
    """

    image: File
    purpose: PurposeEnum
    top_k: int | Unset = 5
    threshold: float | None | Unset = UNSET
    wait: float | Unset = 0.0
    review: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image.to_tuple()

        purpose = self.purpose.value

        top_k = self.top_k

        threshold: float | None | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold

        wait = self.wait

        review = self.review

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
                "purpose": purpose,
            }
        )
        if top_k is not UNSET:
            field_dict["top_k"] = top_k
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if wait is not UNSET:
            field_dict["wait"] = wait
        if review is not UNSET:
            field_dict["review"] = review

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("image", self.image.to_tuple()))

        files.append(("purpose", (None, str(self.purpose.value).encode(), "text/plain")))

        if not isinstance(self.top_k, Unset):
            files.append(("top_k", (None, str(self.top_k).encode(), "text/plain")))

        if not isinstance(self.threshold, Unset):
            if isinstance(self.threshold, float):
                files.append(("threshold", (None, str(self.threshold).encode(), "text/plain")))
            else:
                files.append(("threshold", (None, str(self.threshold).encode(), "text/plain")))

        if not isinstance(self.wait, Unset):
            files.append(("wait", (None, str(self.wait).encode(), "text/plain")))

        if not isinstance(self.review, Unset):
            files.append(("review", (None, str(self.review).encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = File(payload=BytesIO(d.pop("image")))

        purpose = PurposeEnum(d.pop("purpose"))

        top_k = d.pop("top_k", UNSET)

        def _parse_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))

        wait = d.pop("wait", UNSET)

        review = d.pop("review", UNSET)

        match_create_input_request = cls(
            image=image,
            purpose=purpose,
            top_k=top_k,
            threshold=threshold,
            wait=wait,
            review=review,
        )

        match_create_input_request.additional_properties = d
        return match_create_input_request

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
