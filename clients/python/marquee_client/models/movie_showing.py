from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MovieShowing")


@_attrs_define
class MovieShowing:
    """
    Attributes:
        description (str):
        duration_minutes (int):
        first_starts_at (str):
        id (UUID):
        rating (str):
        showtime_count (int):
        title (str):
    """

    description: str
    duration_minutes: int
    first_starts_at: str
    id: UUID
    rating: str
    showtime_count: int
    title: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        duration_minutes = self.duration_minutes

        first_starts_at = self.first_starts_at

        id = str(self.id)

        rating = self.rating

        showtime_count = self.showtime_count

        title = self.title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "durationMinutes": duration_minutes,
                "firstStartsAt": first_starts_at,
                "id": id,
                "rating": rating,
                "showtimeCount": showtime_count,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        duration_minutes = d.pop("durationMinutes")

        first_starts_at = d.pop("firstStartsAt")

        id = UUID(d.pop("id"))

        rating = d.pop("rating")

        showtime_count = d.pop("showtimeCount")

        title = d.pop("title")

        movie_showing = cls(
            description=description,
            duration_minutes=duration_minutes,
            first_starts_at=first_starts_at,
            id=id,
            rating=rating,
            showtime_count=showtime_count,
            title=title,
        )

        movie_showing.additional_properties = d
        return movie_showing

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
