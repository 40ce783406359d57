from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.layout_seat_type import LayoutSeatType, check_layout_seat_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="LayoutSeat")


@_attrs_define
class LayoutSeat:
    """
    Attributes:
        number (int):
        active (bool | Unset):  Default: True.
        type_ (LayoutSeatType | Unset):  Default: 'STANDARD'.
        x (int | None | Unset):
    """

    number: int
    active: bool | Unset = True
    type_: LayoutSeatType | Unset = "STANDARD"
    x: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        active = self.active

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_

        x: int | None | Unset
        if isinstance(self.x, Unset):
            x = UNSET
        else:
            x = self.x

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
            }
        )
        if active is not UNSET:
            field_dict["active"] = active
        if type_ is not UNSET:
            field_dict["type"] = type_
        if x is not UNSET:
            field_dict["x"] = x

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        number = d.pop("number")

        active = d.pop("active", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: LayoutSeatType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = check_layout_seat_type(_type_)

        def _parse_x(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        x = _parse_x(d.pop("x", UNSET))

        layout_seat = cls(
            number=number,
            active=active,
            type_=type_,
            x=x,
        )

        layout_seat.additional_properties = d
        return layout_seat

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
