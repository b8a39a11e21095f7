from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.preview_subject import PreviewSubject
    from ..models.preview_tenant import PreviewTenant


T = TypeVar("T", bound="PreviewReach")


@_attrs_define
class PreviewReach:
    """
    Attributes:
        subjects (int): Live subjects the action reaches
        templates (int): Their face templates
        tenants (list[PreviewTenant]):
        shown (list[PreviewSubject]): The first subjects reached
        not_shown (int):
    """

    subjects: int
    templates: int
    tenants: list[PreviewTenant]
    shown: list[PreviewSubject]
    not_shown: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        subjects = self.subjects

        templates = self.templates

        tenants = []
        for tenants_item_data in self.tenants:
            tenants_item = tenants_item_data.to_dict()
            tenants.append(tenants_item)

        shown = []
        for shown_item_data in self.shown:
            shown_item = shown_item_data.to_dict()
            shown.append(shown_item)

        not_shown = self.not_shown

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subjects": subjects,
                "templates": templates,
                "tenants": tenants,
                "shown": shown,
                "not_shown": not_shown,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_subject import PreviewSubject  # noqa: PLC0415
        from ..models.preview_tenant import PreviewTenant  # noqa: PLC0415

        d = dict(src_dict)
        subjects = d.pop("subjects")

        templates = d.pop("templates")

        tenants = []
        _tenants = d.pop("tenants")
        for tenants_item_data in _tenants:
            tenants_item = PreviewTenant.from_dict(tenants_item_data)

            tenants.append(tenants_item)

        shown = []
        _shown = d.pop("shown")
        for shown_item_data in _shown:
            shown_item = PreviewSubject.from_dict(shown_item_data)

            shown.append(shown_item)

        not_shown = d.pop("not_shown")

        preview_reach = cls(
            subjects=subjects,
            templates=templates,
            tenants=tenants,
            shown=shown,
            not_shown=not_shown,
        )

        preview_reach.additional_properties = d
        return preview_reach

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
