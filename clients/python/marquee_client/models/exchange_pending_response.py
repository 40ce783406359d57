from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.held_seat import HeldSeat


T = TypeVar("T", bound="ExchangePendingResponse")


@_attrs_define
class ExchangePendingResponse:
    """A dearer exchange (202): the new seats are held until paymentDeadline, the booking stays CONFIRMED on its old
    seats until priceDifference is paid with paymentIntentId (POST /api/payments/process), then they swap.

        Attributes:
            booking_id (UUID):
            booking_reference (str):
            currency (str):
            exchange_id (UUID):
            payment_deadline (str):
            payment_intent_id (str):
            previous_showtime_id (UUID):
            price_difference (float):
            seats (list[HeldSeat]):
            showtime_id (UUID):
            status (str):
    """

    booking_id: UUID
    booking_reference: str
    currency: str
    exchange_id: UUID
    payment_deadline: str
    payment_intent_id: str
    previous_showtime_id: UUID
    price_difference: float
    seats: list[HeldSeat]
    showtime_id: UUID
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        booking_id = str(self.booking_id)

        booking_reference = self.booking_reference

        currency = self.currency

        exchange_id = str(self.exchange_id)

        payment_deadline = self.payment_deadline

        payment_intent_id = self.payment_intent_id

        previous_showtime_id = str(self.previous_showtime_id)

        price_difference = self.price_difference

        seats = []
        for seats_item_data in self.seats:
            seats_item = seats_item_data.to_dict()
            seats.append(seats_item)

        showtime_id = str(self.showtime_id)

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bookingId": booking_id,
                "bookingReference": booking_reference,
                "currency": currency,
                "exchangeId": exchange_id,
                "paymentDeadline": payment_deadline,
                "paymentIntentId": payment_intent_id,
                "previousShowtimeId": previous_showtime_id,
                "priceDifference": price_difference,
                "seats": seats,
                "showtimeId": showtime_id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.held_seat import HeldSeat  # noqa: PLC0415

        d = dict(src_dict)
        booking_id = UUID(d.pop("bookingId"))

        booking_reference = d.pop("bookingReference")

        currency = d.pop("currency")

        exchange_id = UUID(d.pop("exchangeId"))

        payment_deadline = d.pop("paymentDeadline")

        payment_intent_id = d.pop("paymentIntentId")

        previous_showtime_id = UUID(d.pop("previousShowtimeId"))

        price_difference = d.pop("priceDifference")

        seats = []
        _seats = d.pop("seats")
        for seats_item_data in _seats:
            seats_item = HeldSeat.from_dict(seats_item_data)

            seats.append(seats_item)

        showtime_id = UUID(d.pop("showtimeId"))

        status = d.pop("status")

        exchange_pending_response = cls(
            booking_id=booking_id,
            booking_reference=booking_reference,
            currency=currency,
            exchange_id=exchange_id,
            payment_deadline=payment_deadline,
            payment_intent_id=payment_intent_id,
            previous_showtime_id=previous_showtime_id,
            price_difference=price_difference,
            seats=seats,
            showtime_id=showtime_id,
            status=status,
        )

        exchange_pending_response.additional_properties = d
        return exchange_pending_response

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
