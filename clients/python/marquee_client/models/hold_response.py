from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.held_seat import HeldSeat


T = TypeVar("T", bound="HoldResponse")


@_attrs_define
class HoldResponse:
    """
    Attributes:
        currency (str):
        expires_at (str):
        hold_id (UUID):
        seats (list[HeldSeat]):
        total_amount (float):
    """

    currency: str
    expires_at: str
    hold_id: UUID
    seats: list[HeldSeat]
    total_amount: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        expires_at = self.expires_at

        hold_id = str(self.hold_id)

        seats = []
        for seats_item_data in self.seats:
            seats_item = seats_item_data.to_dict()
            seats.append(seats_item)

        total_amount = self.total_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "expiresAt": expires_at,
                "holdId": hold_id,
                "seats": seats,
                "totalAmount": total_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.held_seat import HeldSeat  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        expires_at = d.pop("expiresAt")

        hold_id = UUID(d.pop("holdId"))

        seats = []
        _seats = d.pop("seats")
        for seats_item_data in _seats:
            seats_item = HeldSeat.from_dict(seats_item_data)

            seats.append(seats_item)

        total_amount = d.pop("totalAmount")

        hold_response = cls(
            currency=currency,
            expires_at=expires_at,
            hold_id=hold_id,
            seats=seats,
            total_amount=total_amount,
        )

        hold_response.additional_properties = d
        return hold_response

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
