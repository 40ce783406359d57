from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.waitlist_request_seat_types_type_0_item import (
    WaitlistRequestSeatTypesType0Item,
    check_waitlist_request_seat_types_type_0_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="WaitlistRequest")


@_attrs_define
class WaitlistRequest:
    """A party waiting for seats: how many, side by side or not, a wheelchair space with companions, which types.

    Attributes:
        email (str):
        name (str):
        quantity (int):
        accessible (bool | Unset):  Default: False.
        phone (None | str | Unset):
        seat_types (list[WaitlistRequestSeatTypesType0Item] | None | Unset):
        together (bool | Unset):  Default: True.
    """

    email: str
    name: str
    quantity: int
    accessible: bool | Unset = False
    phone: None | str | Unset = UNSET
    seat_types: list[WaitlistRequestSeatTypesType0Item] | None | Unset = UNSET
    together: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        name = self.name

        quantity = self.quantity

        accessible = self.accessible

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        seat_types: list[str] | None | Unset
        if isinstance(self.seat_types, Unset):
            seat_types = UNSET
        elif isinstance(self.seat_types, list):
            seat_types = []
            for seat_types_type_0_item_data in self.seat_types:
                seat_types_type_0_item: str = seat_types_type_0_item_data
                seat_types.append(seat_types_type_0_item)

        else:
            seat_types = self.seat_types

        together = self.together

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
                "name": name,
                "quantity": quantity,
            }
        )
        if accessible is not UNSET:
            field_dict["accessible"] = accessible
        if phone is not UNSET:
            field_dict["phone"] = phone
        if seat_types is not UNSET:
            field_dict["seatTypes"] = seat_types
        if together is not UNSET:
            field_dict["together"] = together

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        name = d.pop("name")

        quantity = d.pop("quantity")

        accessible = d.pop("accessible", UNSET)

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_seat_types(data: object) -> list[WaitlistRequestSeatTypesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                seat_types_type_0 = []
                _seat_types_type_0 = data
                for seat_types_type_0_item_data in _seat_types_type_0:
                    seat_types_type_0_item = check_waitlist_request_seat_types_type_0_item(seat_types_type_0_item_data)

                    seat_types_type_0.append(seat_types_type_0_item)

                return seat_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[WaitlistRequestSeatTypesType0Item] | None | Unset, data)

        seat_types = _parse_seat_types(d.pop("seatTypes", UNSET))

        together = d.pop("together", UNSET)

        waitlist_request = cls(
            email=email,
            name=name,
            quantity=quantity,
            accessible=accessible,
            phone=phone,
            seat_types=seat_types,
            together=together,
        )

        waitlist_request.additional_properties = d
        return waitlist_request

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
