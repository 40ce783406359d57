from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.admitted_result import AdmittedResult, check_admitted_result

T = TypeVar("T", bound="Admitted")


@_attrs_define
class Admitted:
    """
    Attributes:
        door (None | str):
        movie (str):
        result (AdmittedResult):
        row_label (str):
        scanned_at (str):
        seat_id (str):
        seat_number (int):
        showtime_id (UUID):
        starts_at (str):
        ticket_id (UUID):
    """

    door: None | str
    movie: str
    result: AdmittedResult
    row_label: str
    scanned_at: str
    seat_id: str
    seat_number: int
    showtime_id: UUID
    starts_at: str
    ticket_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        door: None | str
        door = self.door

        movie = self.movie

        result: str = self.result

        row_label = self.row_label

        scanned_at = self.scanned_at

        seat_id = self.seat_id

        seat_number = self.seat_number

        showtime_id = str(self.showtime_id)

        starts_at = self.starts_at

        ticket_id = str(self.ticket_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "door": door,
                "movie": movie,
                "result": result,
                "rowLabel": row_label,
                "scannedAt": scanned_at,
                "seatId": seat_id,
                "seatNumber": seat_number,
                "showtimeId": showtime_id,
                "startsAt": starts_at,
                "ticketId": ticket_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_door(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        door = _parse_door(d.pop("door"))

        movie = d.pop("movie")

        result = check_admitted_result(d.pop("result"))

        row_label = d.pop("rowLabel")

        scanned_at = d.pop("scannedAt")

        seat_id = d.pop("seatId")

        seat_number = d.pop("seatNumber")

        showtime_id = UUID(d.pop("showtimeId"))

        starts_at = d.pop("startsAt")

        ticket_id = UUID(d.pop("ticketId"))

        admitted = cls(
            door=door,
            movie=movie,
            result=result,
            row_label=row_label,
            scanned_at=scanned_at,
            seat_id=seat_id,
            seat_number=seat_number,
            showtime_id=showtime_id,
            starts_at=starts_at,
            ticket_id=ticket_id,
        )

        admitted.additional_properties = d
        return admitted

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
