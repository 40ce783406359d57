from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.on_sale import OnSale
    from ..models.standing_on_sale import StandingOnSale


T = TypeVar("T", bound="MovieOnSale")


@_attrs_define
class MovieOnSale:
    """The schedules of a movie's showtimes that have not started (in one cinema, or all when cinemaId is null), and
    the movie's standing schedules that showtimes created later there take.

        Attributes:
            cinema_id (None | UUID):
            count (int):
            movie_id (UUID):
            showtimes (list[OnSale]):
            standing (list[StandingOnSale] | Unset):
    """

    cinema_id: None | UUID
    count: int
    movie_id: UUID
    showtimes: list[OnSale]
    standing: list[StandingOnSale] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cinema_id: None | str
        if isinstance(self.cinema_id, UUID):
            cinema_id = str(self.cinema_id)
        else:
            cinema_id = self.cinema_id

        count = self.count

        movie_id = str(self.movie_id)

        showtimes = []
        for showtimes_item_data in self.showtimes:
            showtimes_item = showtimes_item_data.to_dict()
            showtimes.append(showtimes_item)

        standing: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.standing, Unset):
            standing = []
            for standing_item_data in self.standing:
                standing_item = standing_item_data.to_dict()
                standing.append(standing_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cinemaId": cinema_id,
                "count": count,
                "movieId": movie_id,
                "showtimes": showtimes,
            }
        )
        if standing is not UNSET:
            field_dict["standing"] = standing

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.on_sale import OnSale  # noqa: PLC0415
        from ..models.standing_on_sale import StandingOnSale  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_cinema_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cinema_id_type_0 = UUID(data)

                return cinema_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        cinema_id = _parse_cinema_id(d.pop("cinemaId"))

        count = d.pop("count")

        movie_id = UUID(d.pop("movieId"))

        showtimes = []
        _showtimes = d.pop("showtimes")
        for showtimes_item_data in _showtimes:
            showtimes_item = OnSale.from_dict(showtimes_item_data)

            showtimes.append(showtimes_item)

        _standing = d.pop("standing", UNSET)
        standing: list[StandingOnSale] | Unset = UNSET
        if _standing is not UNSET:
            standing = []
            for standing_item_data in _standing:
                standing_item = StandingOnSale.from_dict(standing_item_data)

                standing.append(standing_item)

        movie_on_sale = cls(
            cinema_id=cinema_id,
            count=count,
            movie_id=movie_id,
            showtimes=showtimes,
            standing=standing,
        )

        movie_on_sale.additional_properties = d
        return movie_on_sale

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
