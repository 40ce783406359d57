from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MovieIn")


@_attrs_define
class MovieIn:
    """
    Attributes:
        duration_minutes (int):
        title (str):
        description (str | Unset):  Default: ''.
        rating (str | Unset):  Default: ''.
    """

    duration_minutes: int
    title: str
    description: str | Unset = ""
    rating: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        duration_minutes = self.duration_minutes

        title = self.title

        description = self.description

        rating = self.rating

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "durationMinutes": duration_minutes,
                "title": title,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if rating is not UNSET:
            field_dict["rating"] = rating

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        duration_minutes = d.pop("durationMinutes")

        title = d.pop("title")

        description = d.pop("description", UNSET)

        rating = d.pop("rating", UNSET)

        movie_in = cls(
            duration_minutes=duration_minutes,
            title=title,
            description=description,
            rating=rating,
        )

        movie_in.additional_properties = d
        return movie_in

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
