from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.preview_deadline import PreviewDeadline
    from ..models.preview_hold import PreviewHold
    from ..models.preview_reach import PreviewReach
    from ..models.preview_resumed import PreviewResumed
    from ..models.preview_scope import PreviewScope


T = TypeVar("T", bound="ActionPreview")


@_attrs_define
class ActionPreview:
    """
    Attributes:
        action (str): e.g. order.erase, legal_hold.release
        summary (str): What confirming does, in one or two sentences
        scope (None | PreviewScope): Whom it names (orders and holds): see Scope
        reach (PreviewReach):
        held_subjects (int): Subjects reached that a legal hold in force keeps
        holds (list[PreviewHold]): The legal holds in force that conflict with the erasure
        deadlines (list[PreviewDeadline]):
        resumes (list[PreviewResumed]): A hold release: the blocked work it resumes
        notes (list[str]):
    """

    action: str
    summary: str
    scope: None | PreviewScope
    reach: PreviewReach
    held_subjects: int
    holds: list[PreviewHold]
    deadlines: list[PreviewDeadline]
    resumes: list[PreviewResumed]
    notes: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.preview_scope import PreviewScope  # noqa: PLC0415

        action = self.action

        summary = self.summary

        scope: dict[str, Any] | None
        if isinstance(self.scope, PreviewScope):
            scope = self.scope.to_dict()
        else:
            scope = self.scope

        reach = self.reach.to_dict()

        held_subjects = self.held_subjects

        holds = []
        for holds_item_data in self.holds:
            holds_item = holds_item_data.to_dict()
            holds.append(holds_item)

        deadlines = []
        for deadlines_item_data in self.deadlines:
            deadlines_item = deadlines_item_data.to_dict()
            deadlines.append(deadlines_item)

        resumes = []
        for resumes_item_data in self.resumes:
            resumes_item = resumes_item_data.to_dict()
            resumes.append(resumes_item)

        notes = self.notes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "summary": summary,
                "scope": scope,
                "reach": reach,
                "held_subjects": held_subjects,
                "holds": holds,
                "deadlines": deadlines,
                "resumes": resumes,
                "notes": notes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_deadline import PreviewDeadline  # noqa: PLC0415
        from ..models.preview_hold import PreviewHold  # noqa: PLC0415
        from ..models.preview_reach import PreviewReach  # noqa: PLC0415
        from ..models.preview_resumed import PreviewResumed  # noqa: PLC0415
        from ..models.preview_scope import PreviewScope  # noqa: PLC0415

        d = dict(src_dict)
        action = d.pop("action")

        summary = d.pop("summary")

        def _parse_scope(data: object) -> None | PreviewScope:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                scope_type_1 = PreviewScope.from_dict(data)

                return scope_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PreviewScope, data)

        scope = _parse_scope(d.pop("scope"))

        reach = PreviewReach.from_dict(d.pop("reach"))

        held_subjects = d.pop("held_subjects")

        holds = []
        _holds = d.pop("holds")
        for holds_item_data in _holds:
            holds_item = PreviewHold.from_dict(holds_item_data)

            holds.append(holds_item)

        deadlines = []
        _deadlines = d.pop("deadlines")
        for deadlines_item_data in _deadlines:
            deadlines_item = PreviewDeadline.from_dict(deadlines_item_data)

            deadlines.append(deadlines_item)

        resumes = []
        _resumes = d.pop("resumes")
        for resumes_item_data in _resumes:
            resumes_item = PreviewResumed.from_dict(resumes_item_data)

            resumes.append(resumes_item)

        notes = cast(list[str], d.pop("notes"))

        action_preview = cls(
            action=action,
            summary=summary,
            scope=scope,
            reach=reach,
            held_subjects=held_subjects,
            holds=holds,
            deadlines=deadlines,
            resumes=resumes,
            notes=notes,
        )

        action_preview.additional_properties = d
        return action_preview

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
