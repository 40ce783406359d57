from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QueueStatus")


@_attrs_define
class QueueStatus:
    """
    Attributes:
        admission_rate (float):
        admit_per_minute (int | None):
        admitted (int):
        drawn_at (None | str):
        expired (int):
        opens_at (str):
        paused (bool):
        queue (bool):
        shopping (int):
        showtime_id (UUID):
        sold_out (int):
        sold_out_at (None | str):
        sold_seats (int):
        waiting (int):
    """

    admission_rate: float
    admit_per_minute: int | None
    admitted: int
    drawn_at: None | str
    expired: int
    opens_at: str
    paused: bool
    queue: bool
    shopping: int
    showtime_id: UUID
    sold_out: int
    sold_out_at: None | str
    sold_seats: int
    waiting: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        admission_rate = self.admission_rate

        admit_per_minute: int | None
        admit_per_minute = self.admit_per_minute

        admitted = self.admitted

        drawn_at: None | str
        drawn_at = self.drawn_at

        expired = self.expired

        opens_at = self.opens_at

        paused = self.paused

        queue = self.queue

        shopping = self.shopping

        showtime_id = str(self.showtime_id)

        sold_out = self.sold_out

        sold_out_at: None | str
        sold_out_at = self.sold_out_at

        sold_seats = self.sold_seats

        waiting = self.waiting

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "admissionRate": admission_rate,
                "admitPerMinute": admit_per_minute,
                "admitted": admitted,
                "drawnAt": drawn_at,
                "expired": expired,
                "opensAt": opens_at,
                "paused": paused,
                "queue": queue,
                "shopping": shopping,
                "showtimeId": showtime_id,
                "soldOut": sold_out,
                "soldOutAt": sold_out_at,
                "soldSeats": sold_seats,
                "waiting": waiting,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        admission_rate = d.pop("admissionRate")

        def _parse_admit_per_minute(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        admit_per_minute = _parse_admit_per_minute(d.pop("admitPerMinute"))

        admitted = d.pop("admitted")

        def _parse_drawn_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        drawn_at = _parse_drawn_at(d.pop("drawnAt"))

        expired = d.pop("expired")

        opens_at = d.pop("opensAt")

        paused = d.pop("paused")

        queue = d.pop("queue")

        shopping = d.pop("shopping")

        showtime_id = UUID(d.pop("showtimeId"))

        sold_out = d.pop("soldOut")

        def _parse_sold_out_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sold_out_at = _parse_sold_out_at(d.pop("soldOutAt"))

        sold_seats = d.pop("soldSeats")

        waiting = d.pop("waiting")

        queue_status = cls(
            admission_rate=admission_rate,
            admit_per_minute=admit_per_minute,
            admitted=admitted,
            drawn_at=drawn_at,
            expired=expired,
            opens_at=opens_at,
            paused=paused,
            queue=queue,
            shopping=shopping,
            showtime_id=showtime_id,
            sold_out=sold_out,
            sold_out_at=sold_out_at,
            sold_seats=sold_seats,
            waiting=waiting,
        )

        queue_status.additional_properties = d
        return queue_status

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
