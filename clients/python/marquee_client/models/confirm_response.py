from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConfirmResponse")


@_attrs_define
class ConfirmResponse:
    """
    Attributes:
        amount (float):
        booking_id (UUID):
        booking_reference (str):
        currency (str):
        payment_deadline (str):
        payment_intent_id (None | str):
        status (str):
    """

    amount: float
    booking_id: UUID
    booking_reference: str
    currency: str
    payment_deadline: str
    payment_intent_id: None | str
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        booking_id = str(self.booking_id)

        booking_reference = self.booking_reference

        currency = self.currency

        payment_deadline = self.payment_deadline

        payment_intent_id: None | str
        payment_intent_id = self.payment_intent_id

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "bookingId": booking_id,
                "bookingReference": booking_reference,
                "currency": currency,
                "paymentDeadline": payment_deadline,
                "paymentIntentId": payment_intent_id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        booking_id = UUID(d.pop("bookingId"))

        booking_reference = d.pop("bookingReference")

        currency = d.pop("currency")

        payment_deadline = d.pop("paymentDeadline")

        def _parse_payment_intent_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payment_intent_id = _parse_payment_intent_id(d.pop("paymentIntentId"))

        status = d.pop("status")

        confirm_response = cls(
            amount=amount,
            booking_id=booking_id,
            booking_reference=booking_reference,
            currency=currency,
            payment_deadline=payment_deadline,
            payment_intent_id=payment_intent_id,
            status=status,
        )

        confirm_response.additional_properties = d
        return confirm_response

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
