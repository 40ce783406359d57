from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="HoldSeats")


@_attrs_define
class HoldSeats:
    """Hold these seats (ids from the seat map).

    Attributes:
        seat_ids (list[str]):
        session_token (str):
        showtime_id (UUID):
        channel (None | str | Unset):
    """

    seat_ids: list[str]
    session_token: str
    showtime_id: UUID
    channel: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seat_ids = self.seat_ids

        session_token = self.session_token

        showtime_id = str(self.showtime_id)

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seatIds": seat_ids,
                "sessionToken": session_token,
                "showtimeId": showtime_id,
            }
        )
        if channel is not UNSET:
            field_dict["channel"] = channel

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seat_ids = cast(list[str], d.pop("seatIds"))

        session_token = d.pop("sessionToken")

        showtime_id = UUID(d.pop("showtimeId"))

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))

        hold_seats = cls(
            seat_ids=seat_ids,
            session_token=session_token,
            showtime_id=showtime_id,
            channel=channel,
        )

        hold_seats.additional_properties = d
        return hold_seats

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
