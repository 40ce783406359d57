from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PriceResponse")


@_attrs_define
class PriceResponse:
    """
    Attributes:
        currency (str):
        discount (float):
        final_amount (float):
        promo_code (None | str):
        subtotal (float):
        tickets (int):
    """

    currency: str
    discount: float
    final_amount: float
    promo_code: None | str
    subtotal: float
    tickets: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        discount = self.discount

        final_amount = self.final_amount

        promo_code: None | str
        promo_code = self.promo_code

        subtotal = self.subtotal

        tickets = self.tickets

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "discount": discount,
                "finalAmount": final_amount,
                "promoCode": promo_code,
                "subtotal": subtotal,
                "tickets": tickets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        currency = d.pop("currency")

        discount = d.pop("discount")

        final_amount = d.pop("finalAmount")

        def _parse_promo_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promo_code = _parse_promo_code(d.pop("promoCode"))

        subtotal = d.pop("subtotal")

        tickets = d.pop("tickets")

        price_response = cls(
            currency=currency,
            discount=discount,
            final_amount=final_amount,
            promo_code=promo_code,
            subtotal=subtotal,
            tickets=tickets,
        )

        price_response.additional_properties = d
        return price_response

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
