from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.held_seat import HeldSeat


T = TypeVar("T", bound="WaitlistOffer")


@_attrs_define
class WaitlistOffer:
    """Seats held for the entry until expiresAt: confirm the hold (POST /api/bookings/confirm) to book them.

    Attributes:
        booking_url (str):
        currency (str):
        expires_at (str):
        hold_id (UUID):
        seats (list[HeldSeat]):
        session_token (str):
        total_amount (float):
    """

    booking_url: str
    currency: str
    expires_at: str
    hold_id: UUID
    seats: list[HeldSeat]
    session_token: str
    total_amount: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        booking_url = self.booking_url

        currency = self.currency

        expires_at = self.expires_at

        hold_id = str(self.hold_id)

        seats = []
        for seats_item_data in self.seats:
            seats_item = seats_item_data.to_dict()
            seats.append(seats_item)

        session_token = self.session_token

        total_amount = self.total_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bookingUrl": booking_url,
                "currency": currency,
                "expiresAt": expires_at,
                "holdId": hold_id,
                "seats": seats,
                "sessionToken": session_token,
                "totalAmount": total_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.held_seat import HeldSeat  # noqa: PLC0415

        d = dict(src_dict)
        booking_url = d.pop("bookingUrl")

        currency = d.pop("currency")

        expires_at = d.pop("expiresAt")

        hold_id = UUID(d.pop("holdId"))

        seats = []
        _seats = d.pop("seats")
        for seats_item_data in _seats:
            seats_item = HeldSeat.from_dict(seats_item_data)

            seats.append(seats_item)

        session_token = d.pop("sessionToken")

        total_amount = d.pop("totalAmount")

        waitlist_offer = cls(
            booking_url=booking_url,
            currency=currency,
            expires_at=expires_at,
            hold_id=hold_id,
            seats=seats,
            session_token=session_token,
            total_amount=total_amount,
        )

        waitlist_offer.additional_properties = d
        return waitlist_offer

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
