from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.layout import Layout


T = TypeVar("T", bound="SeatMap")


@_attrs_define
class SeatMap:
    """
    Attributes:
        available_seats (int):
        layout (Layout):
        showtime_id (UUID):
        total_seats (int):
    """

    available_seats: int
    layout: Layout
    showtime_id: UUID
    total_seats: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available_seats = self.available_seats

        layout = self.layout.to_dict()

        showtime_id = str(self.showtime_id)

        total_seats = self.total_seats

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "availableSeats": available_seats,
                "layout": layout,
                "showtimeId": showtime_id,
                "totalSeats": total_seats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.layout import Layout  # noqa: PLC0415

        d = dict(src_dict)
        available_seats = d.pop("availableSeats")

        layout = Layout.from_dict(d.pop("layout"))

        showtime_id = UUID(d.pop("showtimeId"))

        total_seats = d.pop("totalSeats")

        seat_map = cls(
            available_seats=available_seats,
            layout=layout,
            showtime_id=showtime_id,
            total_seats=total_seats,
        )

        seat_map.additional_properties = d
        return seat_map

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
