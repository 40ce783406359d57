from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MapSeat")


@_attrs_define
class MapSeat:
    """
    Attributes:
        id (str):
        price (float | None):
        seat_number (int):
        status (str):
        type_ (str):
        x (int):
        y (int):
    """

    id: str
    price: float | None
    seat_number: int
    status: str
    type_: str
    x: int
    y: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        price: float | None
        price = self.price

        seat_number = self.seat_number

        status = self.status

        type_ = self.type_

        x = self.x

        y = self.y

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "price": price,
                "seatNumber": seat_number,
                "status": status,
                "type": type_,
                "x": x,
                "y": y,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        def _parse_price(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        price = _parse_price(d.pop("price"))

        seat_number = d.pop("seatNumber")

        status = d.pop("status")

        type_ = d.pop("type")

        x = d.pop("x")

        y = d.pop("y")

        map_seat = cls(
            id=id,
            price=price,
            seat_number=seat_number,
            status=status,
            type_=type_,
            x=x,
            y=y,
        )

        map_seat.additional_properties = d
        return map_seat

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
