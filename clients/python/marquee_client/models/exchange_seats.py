from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ExchangeSeats")


@_attrs_define
class ExchangeSeats:
    """Move to these seats.

    Attributes:
        seat_ids (list[str]):
        showtime_id (UUID):
    """

    seat_ids: list[str]
    showtime_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seat_ids = self.seat_ids

        showtime_id = str(self.showtime_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seatIds": seat_ids,
                "showtimeId": showtime_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seat_ids = cast(list[str], d.pop("seatIds"))

        showtime_id = UUID(d.pop("showtimeId"))

        exchange_seats = cls(
            seat_ids=seat_ids,
            showtime_id=showtime_id,
        )

        exchange_seats.additional_properties = d
        return exchange_seats

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
