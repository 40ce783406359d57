from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Cinema")


@_attrs_define
class Cinema:
    """
    Attributes:
        city (str):
        currency (str):
        id (UUID):
        name (str):
        time_zone (str):
    """

    city: str
    currency: str
    id: UUID
    name: str
    time_zone: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        city = self.city

        currency = self.currency

        id = str(self.id)

        name = self.name

        time_zone = self.time_zone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "city": city,
                "currency": currency,
                "id": id,
                "name": name,
                "timeZone": time_zone,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        city = d.pop("city")

        currency = d.pop("currency")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        time_zone = d.pop("timeZone")

        cinema = cls(
            city=city,
            currency=currency,
            id=id,
            name=name,
            time_zone=time_zone,
        )

        cinema.additional_properties = d
        return cinema

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
