from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.time_zone import TimeZone, check_time_zone
from ..types import UNSET, Unset

T = TypeVar("T", bound="CinemaIn")


@_attrs_define
class CinemaIn:
    """
    Attributes:
        city (str):
        name (str):
        time_zone (TimeZone): An IANA time zone name, e.g. America/New_York.
        currency (str | Unset):  Default: 'USD'.
    """

    city: str
    name: str
    time_zone: TimeZone
    currency: str | Unset = "USD"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        city = self.city

        name = self.name

        time_zone: str = self.time_zone

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "city": city,
                "name": name,
                "timeZone": time_zone,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        city = d.pop("city")

        name = d.pop("name")

        time_zone = check_time_zone(d.pop("timeZone"))

        currency = d.pop("currency", UNSET)

        cinema_in = cls(
            city=city,
            name=name,
            time_zone=time_zone,
            currency=currency,
        )

        cinema_in.additional_properties = d
        return cinema_in

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
