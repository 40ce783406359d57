from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.best_available import BestAvailable


T = TypeVar("T", bound="HoldBestAvailable")


@_attrs_define
class HoldBestAvailable:
    """Hold the best n seats (docs/smart-seating.md).

    Attributes:
        best_available (BestAvailable): Smart seating (docs/smart-seating.md): the best n seats instead of a list of
            seat ids.
        session_token (str):
        showtime_id (UUID):
        channel (None | str | Unset):
    """

    best_available: BestAvailable
    session_token: str
    showtime_id: UUID
    channel: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        best_available = self.best_available.to_dict()

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
                "bestAvailable": best_available,
                "sessionToken": session_token,
                "showtimeId": showtime_id,
            }
        )
        if channel is not UNSET:
            field_dict["channel"] = channel

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.best_available import BestAvailable  # noqa: PLC0415

        d = dict(src_dict)
        best_available = BestAvailable.from_dict(d.pop("bestAvailable"))

        session_token = d.pop("sessionToken")

        showtime_id = UUID(d.pop("showtimeId"))

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))

        hold_best_available = cls(
            best_available=best_available,
            session_token=session_token,
            showtime_id=showtime_id,
            channel=channel,
        )

        hold_best_available.additional_properties = d
        return hold_best_available

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
