from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FocalPoint")


@_attrs_define
class FocalPoint:
    """Where best-available seats are measured from (seat-map x, y units); nulls: back to the default.

    Attributes:
        x (float | None):
        y (float | None):
    """

    x: float | None
    y: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        x: float | None
        x = self.x

        y: float | None
        y = self.y

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "x": x,
                "y": y,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_x(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        x = _parse_x(d.pop("x"))

        def _parse_y(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        y = _parse_y(d.pop("y"))

        focal_point = cls(
            x=x,
            y=y,
        )

        focal_point.additional_properties = d
        return focal_point

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
