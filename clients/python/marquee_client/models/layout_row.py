from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.layout_seat import LayoutSeat


T = TypeVar("T", bound="LayoutRow")


@_attrs_define
class LayoutRow:
    """
    Attributes:
        label (str):
        seats (list[LayoutSeat]):
        y (int | None | Unset):
    """

    label: str
    seats: list[LayoutSeat]
    y: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        seats = []
        for seats_item_data in self.seats:
            seats_item = seats_item_data.to_dict()
            seats.append(seats_item)

        y: int | None | Unset
        if isinstance(self.y, Unset):
            y = UNSET
        else:
            y = self.y

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "label": label,
                "seats": seats,
            }
        )
        if y is not UNSET:
            field_dict["y"] = y

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.layout_seat import LayoutSeat  # noqa: PLC0415

        d = dict(src_dict)
        label = d.pop("label")

        seats = []
        _seats = d.pop("seats")
        for seats_item_data in _seats:
            seats_item = LayoutSeat.from_dict(seats_item_data)

            seats.append(seats_item)

        def _parse_y(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        y = _parse_y(d.pop("y", UNSET))

        layout_row = cls(
            label=label,
            seats=seats,
            y=y,
        )

        layout_row.additional_properties = d
        return layout_row

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
