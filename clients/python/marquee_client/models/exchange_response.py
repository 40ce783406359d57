from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.held_seat import HeldSeat


T = TypeVar("T", bound="ExchangeResponse")


@_attrs_define
class ExchangeResponse:
    """
    Attributes:
        booking_id (UUID):
        booking_reference (str):
        previous_showtime_id (UUID):
        price_difference (float):
        seats (list[HeldSeat]):
        showtime_id (UUID):
        status (str):
        payment_intent_id (None | str | Unset):
        refund_amount (float | None | Unset):
        refund_id (None | Unset | UUID):
        refund_status (None | str | Unset):
    """

    booking_id: UUID
    booking_reference: str
    previous_showtime_id: UUID
    price_difference: float
    seats: list[HeldSeat]
    showtime_id: UUID
    status: str
    payment_intent_id: None | str | Unset = UNSET
    refund_amount: float | None | Unset = UNSET
    refund_id: None | Unset | UUID = UNSET
    refund_status: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        booking_id = str(self.booking_id)

        booking_reference = self.booking_reference

        previous_showtime_id = str(self.previous_showtime_id)

        price_difference = self.price_difference

        seats = []
        for seats_item_data in self.seats:
            seats_item = seats_item_data.to_dict()
            seats.append(seats_item)

        showtime_id = str(self.showtime_id)

        status = self.status

        payment_intent_id: None | str | Unset
        if isinstance(self.payment_intent_id, Unset):
            payment_intent_id = UNSET
        else:
            payment_intent_id = self.payment_intent_id

        refund_amount: float | None | Unset
        if isinstance(self.refund_amount, Unset):
            refund_amount = UNSET
        else:
            refund_amount = self.refund_amount

        refund_id: None | str | Unset
        if isinstance(self.refund_id, Unset):
            refund_id = UNSET
        elif isinstance(self.refund_id, UUID):
            refund_id = str(self.refund_id)
        else:
            refund_id = self.refund_id

        refund_status: None | str | Unset
        if isinstance(self.refund_status, Unset):
            refund_status = UNSET
        else:
            refund_status = self.refund_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bookingId": booking_id,
                "bookingReference": booking_reference,
                "previousShowtimeId": previous_showtime_id,
                "priceDifference": price_difference,
                "seats": seats,
                "showtimeId": showtime_id,
                "status": status,
            }
        )
        if payment_intent_id is not UNSET:
            field_dict["paymentIntentId"] = payment_intent_id
        if refund_amount is not UNSET:
            field_dict["refundAmount"] = refund_amount
        if refund_id is not UNSET:
            field_dict["refundId"] = refund_id
        if refund_status is not UNSET:
            field_dict["refundStatus"] = refund_status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.held_seat import HeldSeat  # noqa: PLC0415

        d = dict(src_dict)
        booking_id = UUID(d.pop("bookingId"))

        booking_reference = d.pop("bookingReference")

        previous_showtime_id = UUID(d.pop("previousShowtimeId"))

        price_difference = d.pop("priceDifference")

        seats = []
        _seats = d.pop("seats")
        for seats_item_data in _seats:
            seats_item = HeldSeat.from_dict(seats_item_data)

            seats.append(seats_item)

        showtime_id = UUID(d.pop("showtimeId"))

        status = d.pop("status")

        def _parse_payment_intent_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_intent_id = _parse_payment_intent_id(d.pop("paymentIntentId", UNSET))

        def _parse_refund_amount(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        refund_amount = _parse_refund_amount(d.pop("refundAmount", UNSET))

        def _parse_refund_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                refund_id_type_0 = UUID(data)

                return refund_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        refund_id = _parse_refund_id(d.pop("refundId", UNSET))

        def _parse_refund_status(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        refund_status = _parse_refund_status(d.pop("refundStatus", UNSET))

        exchange_response = cls(
            booking_id=booking_id,
            booking_reference=booking_reference,
            previous_showtime_id=previous_showtime_id,
            price_difference=price_difference,
            seats=seats,
            showtime_id=showtime_id,
            status=status,
            payment_intent_id=payment_intent_id,
            refund_amount=refund_amount,
            refund_id=refund_id,
            refund_status=refund_status,
        )

        exchange_response.additional_properties = d
        return exchange_response

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
