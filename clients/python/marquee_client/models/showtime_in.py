from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.showtime_in_prices import ShowtimeInPrices


T = TypeVar("T", bound="ShowtimeIn")


@_attrs_define
class ShowtimeIn:
    """
    Attributes:
        auditorium_id (UUID):
        movie_id (UUID):
        starts_at (datetime.datetime):
        prices (ShowtimeInPrices | Unset):
    """

    auditorium_id: UUID
    movie_id: UUID
    starts_at: datetime.datetime
    prices: ShowtimeInPrices | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        auditorium_id = str(self.auditorium_id)

        movie_id = str(self.movie_id)

        starts_at = self.starts_at.isoformat()

        prices: dict[str, Any] | Unset = UNSET
        if not isinstance(self.prices, Unset):
            prices = self.prices.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "auditoriumId": auditorium_id,
                "movieId": movie_id,
                "startsAt": starts_at,
            }
        )
        if prices is not UNSET:
            field_dict["prices"] = prices

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.showtime_in_prices import ShowtimeInPrices  # noqa: PLC0415

        d = dict(src_dict)
        auditorium_id = UUID(d.pop("auditoriumId"))

        movie_id = UUID(d.pop("movieId"))

        starts_at = datetime.datetime.fromisoformat(d.pop("startsAt"))

        _prices = d.pop("prices", UNSET)
        prices: ShowtimeInPrices | Unset
        if isinstance(_prices, Unset):
            prices = UNSET
        else:
            prices = ShowtimeInPrices.from_dict(_prices)

        showtime_in = cls(
            auditorium_id=auditorium_id,
            movie_id=movie_id,
            starts_at=starts_at,
            prices=prices,
        )

        showtime_in.additional_properties = d
        return showtime_in

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
