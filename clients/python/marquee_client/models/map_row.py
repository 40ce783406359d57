from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.map_seat import MapSeat


T = TypeVar("T", bound="MapRow")


@_attrs_define
class MapRow:
    """
    Attributes:
        label (str):
        seats (list[MapSeat]):
    """

    label: str
    seats: list[MapSeat]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        label = self.label

        seats = []
        for seats_item_data in self.seats:
            seats_item = seats_item_data.to_dict()
            seats.append(seats_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "label": label,
                "seats": seats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.map_seat import MapSeat  # noqa: PLC0415

        d = dict(src_dict)
        label = d.pop("label")

        seats = []
        _seats = d.pop("seats")
        for seats_item_data in _seats:
            seats_item = MapSeat.from_dict(seats_item_data)

            seats.append(seats_item)

        map_row = cls(
            label=label,
            seats=seats,
        )

        map_row.additional_properties = d
        return map_row

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
