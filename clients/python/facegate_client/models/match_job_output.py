from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.match_job_output_error_type_0 import MatchJobOutputErrorType0
    from ..models.match_job_output_timings import MatchJobOutputTimings
    from ..models.match_result import MatchResult


T = TypeVar("T", bound="MatchJobOutput")


@_attrs_define
class MatchJobOutput:
    """
    Attributes:
        id (UUID):
        status (str):
        purpose (str):
        top_k (int):
        threshold (float):
        ratio_max (float):
        faces_detected (int | None):
        face_box (list[int] | None):
        results (list[MatchResult]):
        review (bool):
        review_candidates (list[MatchResult]): With review=true: people the decision did not name whose ratio is within
            the review band (FPIR 10 % on the calibration open set), for an analyst to judge; never a match.
        error (MatchJobOutputErrorType0 | None):
        timings (MatchJobOutputTimings):
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    status: str
    purpose: str
    top_k: int
    threshold: float
    ratio_max: float
    faces_detected: int | None
    face_box: list[int] | None
    results: list[MatchResult]
    review: bool
    review_candidates: list[MatchResult]
    error: MatchJobOutputErrorType0 | None
    timings: MatchJobOutputTimings
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.match_job_output_error_type_0 import MatchJobOutputErrorType0  # noqa: PLC0415

        id = str(self.id)

        status = self.status

        purpose = self.purpose

        top_k = self.top_k

        threshold = self.threshold

        ratio_max = self.ratio_max

        faces_detected: int | None
        faces_detected = self.faces_detected

        face_box: list[int] | None
        if isinstance(self.face_box, list):
            face_box = self.face_box

        else:
            face_box = self.face_box

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        review = self.review

        review_candidates = []
        for review_candidates_item_data in self.review_candidates:
            review_candidates_item = review_candidates_item_data.to_dict()
            review_candidates.append(review_candidates_item)

        error: dict[str, Any] | None
        if isinstance(self.error, MatchJobOutputErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        timings = self.timings.to_dict()

        created_at = self.created_at.isoformat()

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "purpose": purpose,
                "top_k": top_k,
                "threshold": threshold,
                "ratio_max": ratio_max,
                "faces_detected": faces_detected,
                "face_box": face_box,
                "results": results,
                "review": review,
                "review_candidates": review_candidates,
                "error": error,
                "timings": timings,
                "created_at": created_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.match_job_output_error_type_0 import MatchJobOutputErrorType0  # noqa: PLC0415
        from ..models.match_job_output_timings import MatchJobOutputTimings  # noqa: PLC0415
        from ..models.match_result import MatchResult  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = d.pop("status")

        purpose = d.pop("purpose")

        top_k = d.pop("top_k")

        threshold = d.pop("threshold")

        ratio_max = d.pop("ratio_max")

        def _parse_faces_detected(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        faces_detected = _parse_faces_detected(d.pop("faces_detected"))

        def _parse_face_box(data: object) -> list[int] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                face_box_type_0 = cast(list[int], data)

                return face_box_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None, data)

        face_box = _parse_face_box(d.pop("face_box"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = MatchResult.from_dict(results_item_data)

            results.append(results_item)

        review = d.pop("review")

        review_candidates = []
        _review_candidates = d.pop("review_candidates")
        for review_candidates_item_data in _review_candidates:
            review_candidates_item = MatchResult.from_dict(review_candidates_item_data)

            review_candidates.append(review_candidates_item)

        def _parse_error(data: object) -> MatchJobOutputErrorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = MatchJobOutputErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MatchJobOutputErrorType0 | None, data)

        error = _parse_error(d.pop("error"))

        timings = MatchJobOutputTimings.from_dict(d.pop("timings"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        match_job_output = cls(
            id=id,
            status=status,
            purpose=purpose,
            top_k=top_k,
            threshold=threshold,
            ratio_max=ratio_max,
            faces_detected=faces_detected,
            face_box=face_box,
            results=results,
            review=review,
            review_candidates=review_candidates,
            error=error,
            timings=timings,
            created_at=created_at,
            finished_at=finished_at,
        )

        match_job_output.additional_properties = d
        return match_job_output

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
