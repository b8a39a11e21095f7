from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MatchResult")


@_attrs_define
class MatchResult:
    """
    Attributes:
        subject_id (UUID):
        external_ref (None | str):
        distance (float):
        score (float):
        ratio (float | None | Unset): distance ÷ the mean distance of the next people after those named (the decision
            rule's cohort, matching/decision.py); null when the search found nobody after them (the distance alone decided).
        templates_compared (int | Unset):
        fpir_at_score (float | Unset): Chance that a person never enrolled is named at this ratio, measured on the
            calibration open set (docs/accuracy.md); with no ratio, modelled from the distance and this tenant's gallery
            size.
    """

    subject_id: UUID
    external_ref: None | str
    distance: float
    score: float
    ratio: float | None | Unset = UNSET
    templates_compared: int | Unset = UNSET
    fpir_at_score: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subject_id = str(self.subject_id)

        external_ref: None | str
        external_ref = self.external_ref

        distance = self.distance

        score = self.score

        ratio: float | None | Unset
        if isinstance(self.ratio, Unset):
            ratio = UNSET
        else:
            ratio = self.ratio

        templates_compared = self.templates_compared

        fpir_at_score = self.fpir_at_score

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subject_id": subject_id,
                "external_ref": external_ref,
                "distance": distance,
                "score": score,
            }
        )
        if ratio is not UNSET:
            field_dict["ratio"] = ratio
        if templates_compared is not UNSET:
            field_dict["templates_compared"] = templates_compared
        if fpir_at_score is not UNSET:
            field_dict["fpir_at_score"] = fpir_at_score

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject_id = UUID(d.pop("subject_id"))

        def _parse_external_ref(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_ref = _parse_external_ref(d.pop("external_ref"))

        distance = d.pop("distance")

        score = d.pop("score")

        def _parse_ratio(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        ratio = _parse_ratio(d.pop("ratio", UNSET))

        templates_compared = d.pop("templates_compared", UNSET)

        fpir_at_score = d.pop("fpir_at_score", UNSET)

        match_result = cls(
            subject_id=subject_id,
            external_ref=external_ref,
            distance=distance,
            score=score,
            ratio=ratio,
            templates_compared=templates_compared,
            fpir_at_score=fpir_at_score,
        )

        match_result.additional_properties = d
        return match_result

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
