from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Showtime")


@_attrs_define
class Showtime:
    """
    Attributes:
        auditorium (str):
        auditorium_id (UUID):
        available_seats (int):
        ends_at (str):
        few_seats_left (bool):
        id (UUID):
        movie_id (UUID):
        on_sale (bool):
        starts_at (str):
        total_seats (int):
    """

    auditorium: str
    auditorium_id: UUID
    available_seats: int
    ends_at: str
    few_seats_left: bool
    id: UUID
    movie_id: UUID
    on_sale: bool
    starts_at: str
    total_seats: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auditorium = self.auditorium

        auditorium_id = str(self.auditorium_id)

        available_seats = self.available_seats

        ends_at = self.ends_at

        few_seats_left = self.few_seats_left

        id = str(self.id)

        movie_id = str(self.movie_id)

        on_sale = self.on_sale

        starts_at = self.starts_at

        total_seats = self.total_seats

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auditorium": auditorium,
                "auditoriumId": auditorium_id,
                "availableSeats": available_seats,
                "endsAt": ends_at,
                "fewSeatsLeft": few_seats_left,
                "id": id,
                "movieId": movie_id,
                "onSale": on_sale,
                "startsAt": starts_at,
                "totalSeats": total_seats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        auditorium = d.pop("auditorium")

        auditorium_id = UUID(d.pop("auditoriumId"))

        available_seats = d.pop("availableSeats")

        ends_at = d.pop("endsAt")

        few_seats_left = d.pop("fewSeatsLeft")

        id = UUID(d.pop("id"))

        movie_id = UUID(d.pop("movieId"))

        on_sale = d.pop("onSale")

        starts_at = d.pop("startsAt")

        total_seats = d.pop("totalSeats")

        showtime = cls(
            auditorium=auditorium,
            auditorium_id=auditorium_id,
            available_seats=available_seats,
            ends_at=ends_at,
            few_seats_left=few_seats_left,
            id=id,
            movie_id=movie_id,
            on_sale=on_sale,
            starts_at=starts_at,
            total_seats=total_seats,
        )

        showtime.additional_properties = d
        return showtime

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
