from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HeldSeat")


@_attrs_define
class HeldSeat:
    """
    Attributes:
        id (str):
        price (float | None):
        row_label (str):
        seat_number (int):
        type_ (str):
    """

    id: str
    price: float | None
    row_label: str
    seat_number: int
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        price: float | None
        price = self.price

        row_label = self.row_label

        seat_number = self.seat_number

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "price": price,
                "rowLabel": row_label,
                "seatNumber": seat_number,
                "type": type_,
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

        row_label = d.pop("rowLabel")

        seat_number = d.pop("seatNumber")

        type_ = d.pop("type")

        held_seat = cls(
            id=id,
            price=price,
            row_label=row_label,
            seat_number=seat_number,
            type_=type_,
        )

        held_seat.additional_properties = d
        return held_seat

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
