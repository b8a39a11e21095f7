from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.verification_output_error_type_0 import VerificationOutputErrorType0
    from ..models.verification_output_timings import VerificationOutputTimings


T = TypeVar("T", bound="VerificationOutput")


@_attrs_define
class VerificationOutput:
    """
    Attributes:
        id (UUID):
        subject_id (UUID):
        status (str):
        match (bool | None):
        distance (float | None):
        threshold (float):
        templates_compared (int | None):
        faces_detected (int | None):
        face_box (list[int] | None):
        error (None | VerificationOutputErrorType0):
        timings (VerificationOutputTimings):
        created_at (datetime.datetime):
        finished_at (datetime.datetime):
    """

    id: UUID
    subject_id: UUID
    status: str
    match: bool | None
    distance: float | None
    threshold: float
    templates_compared: int | None
    faces_detected: int | None
    face_box: list[int] | None
    error: None | VerificationOutputErrorType0
    timings: VerificationOutputTimings
    created_at: datetime.datetime
    finished_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.verification_output_error_type_0 import VerificationOutputErrorType0  # noqa: PLC0415

        id = str(self.id)

        subject_id = str(self.subject_id)

        status = self.status

        match: bool | None
        match = self.match

        distance: float | None
        distance = self.distance

        threshold = self.threshold

        templates_compared: int | None
        templates_compared = self.templates_compared

        faces_detected: int | None
        faces_detected = self.faces_detected

        face_box: list[int] | None
        if isinstance(self.face_box, list):
            face_box = self.face_box

        else:
            face_box = self.face_box

        error: dict[str, Any] | None
        if isinstance(self.error, VerificationOutputErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

        timings = self.timings.to_dict()

        created_at = self.created_at.isoformat()

        finished_at = self.finished_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "subject_id": subject_id,
                "status": status,
                "match": match,
                "distance": distance,
                "threshold": threshold,
                "templates_compared": templates_compared,
                "faces_detected": faces_detected,
                "face_box": face_box,
                "error": error,
                "timings": timings,
                "created_at": created_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.verification_output_error_type_0 import VerificationOutputErrorType0  # noqa: PLC0415
        from ..models.verification_output_timings import VerificationOutputTimings  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        subject_id = UUID(d.pop("subject_id"))

        status = d.pop("status")

        def _parse_match(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        match = _parse_match(d.pop("match"))

        def _parse_distance(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        distance = _parse_distance(d.pop("distance"))

        threshold = d.pop("threshold")

        def _parse_templates_compared(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        templates_compared = _parse_templates_compared(d.pop("templates_compared"))

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

        def _parse_error(data: object) -> None | VerificationOutputErrorType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = VerificationOutputErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | VerificationOutputErrorType0, data)

        error = _parse_error(d.pop("error"))

        timings = VerificationOutputTimings.from_dict(d.pop("timings"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        finished_at = datetime.datetime.fromisoformat(d.pop("finished_at"))

        verification_output = cls(
            id=id,
            subject_id=subject_id,
            status=status,
            match=match,
            distance=distance,
            threshold=threshold,
            templates_compared=templates_compared,
            faces_detected=faces_detected,
            face_box=face_box,
            error=error,
            timings=timings,
            created_at=created_at,
            finished_at=finished_at,
        )

        verification_output.additional_properties = d
        return verification_output

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
