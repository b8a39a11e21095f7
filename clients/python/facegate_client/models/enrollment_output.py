from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.enrollment_output_error_type_0 import EnrollmentOutputErrorType0
    from ..models.enrollment_output_photos_per_person import EnrollmentOutputPhotosPerPerson
    from ..models.enrollment_output_possible_duplicates_item import EnrollmentOutputPossibleDuplicatesItem
    from ..models.enrollment_output_quality_type_0 import EnrollmentOutputQualityType0


T = TypeVar("T", bound="EnrollmentOutput")


@_attrs_define
class EnrollmentOutput:
    """
    Attributes:
        id (UUID):
        subject_id (UUID):
        status (str):
        template_id (None | str):
        quality (EnrollmentOutputQualityType0 | None): the measures (inter_eye_px, sharpness, yaw, roll_degrees,
            brightness, contrast, detector_score, ...), reasons (face_too_small, extreme_pose, low_detector_confidence: a
            refused enrolment fails with poor_quality) and warnings (blurred, underexposed, overexposed, low_contrast,
            turned, tilted, weak_detection: enrolled all the same, a better photo may help).
        photos_per_person (EnrollmentOutputPhotosPerPerson): How 1:N misses fall with the photos enrolled per person, at
            the default rule (docs/accuracy.md).
        possible_duplicates (list[EnrollmentOutputPossibleDuplicatesItem]): fraud_prevention: other subjects of the
            tenant whose faces this face matches under the strict duplicate threshold, among those whose consents cover
            fraud_prevention; empty for a key without fraud_prevention
        error (EnrollmentOutputErrorType0 | None):
        created_at (datetime.datetime):
        finished_at (datetime.datetime | None):
    """

    id: UUID
    subject_id: UUID
    status: str
    template_id: None | str
    quality: EnrollmentOutputQualityType0 | None
    photos_per_person: EnrollmentOutputPhotosPerPerson
    possible_duplicates: list[EnrollmentOutputPossibleDuplicatesItem]
    error: EnrollmentOutputErrorType0 | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.enrollment_output_error_type_0 import EnrollmentOutputErrorType0  # noqa: PLC0415
        from ..models.enrollment_output_quality_type_0 import EnrollmentOutputQualityType0  # noqa: PLC0415

        id = str(self.id)

        subject_id = str(self.subject_id)

        status = self.status

        template_id: None | str
        template_id = self.template_id

        quality: dict[str, Any] | None
        if isinstance(self.quality, EnrollmentOutputQualityType0):
            quality = self.quality.to_dict()
        else:
            quality = self.quality

        photos_per_person = self.photos_per_person.to_dict()

        possible_duplicates = []
        for possible_duplicates_item_data in self.possible_duplicates:
            possible_duplicates_item = possible_duplicates_item_data.to_dict()
            possible_duplicates.append(possible_duplicates_item)

        error: dict[str, Any] | None
        if isinstance(self.error, EnrollmentOutputErrorType0):
            error = self.error.to_dict()
        else:
            error = self.error

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
                "subject_id": subject_id,
                "status": status,
                "template_id": template_id,
                "quality": quality,
                "photos_per_person": photos_per_person,
                "possible_duplicates": possible_duplicates,
                "error": error,
                "created_at": created_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enrollment_output_error_type_0 import EnrollmentOutputErrorType0  # noqa: PLC0415
        from ..models.enrollment_output_photos_per_person import EnrollmentOutputPhotosPerPerson  # noqa: PLC0415
        from ..models.enrollment_output_possible_duplicates_item import EnrollmentOutputPossibleDuplicatesItem  # noqa: PLC0415
        from ..models.enrollment_output_quality_type_0 import EnrollmentOutputQualityType0  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        subject_id = UUID(d.pop("subject_id"))

        status = d.pop("status")

        def _parse_template_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        template_id = _parse_template_id(d.pop("template_id"))

        def _parse_quality(data: object) -> EnrollmentOutputQualityType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                quality_type_0 = EnrollmentOutputQualityType0.from_dict(data)

                return quality_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EnrollmentOutputQualityType0 | None, data)

        quality = _parse_quality(d.pop("quality"))

        photos_per_person = EnrollmentOutputPhotosPerPerson.from_dict(d.pop("photos_per_person"))

        possible_duplicates = []
        _possible_duplicates = d.pop("possible_duplicates")
        for possible_duplicates_item_data in _possible_duplicates:
            possible_duplicates_item = EnrollmentOutputPossibleDuplicatesItem.from_dict(possible_duplicates_item_data)

            possible_duplicates.append(possible_duplicates_item)

        def _parse_error(data: object) -> EnrollmentOutputErrorType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = EnrollmentOutputErrorType0.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EnrollmentOutputErrorType0 | None, data)

        error = _parse_error(d.pop("error"))

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

        enrollment_output = cls(
            id=id,
            subject_id=subject_id,
            status=status,
            template_id=template_id,
            quality=quality,
            photos_per_person=photos_per_person,
            possible_duplicates=possible_duplicates,
            error=error,
            created_at=created_at,
            finished_at=finished_at,
        )

        enrollment_output.additional_properties = d
        return enrollment_output

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
