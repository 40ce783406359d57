from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.waitlist_entry_seat_types_type_0_item import (
    WaitlistEntrySeatTypesType0Item,
    check_waitlist_entry_seat_types_type_0_item,
)
from ..models.waitlist_entry_status import WaitlistEntryStatus, check_waitlist_entry_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.waitlist_offer import WaitlistOffer


T = TypeVar("T", bound="WaitlistEntry")


@_attrs_define
class WaitlistEntry:
    """
    Attributes:
        accessible (bool):
        created_at (str):
        position (int):
        quantity (int):
        showtime_id (UUID):
        status (WaitlistEntryStatus):
        together (bool):
        waitlist_id (UUID):
        booking_id (None | Unset | UUID):
        offer (None | Unset | WaitlistOffer):
        seat_types (list[WaitlistEntrySeatTypesType0Item] | None | Unset):
    """

    accessible: bool
    created_at: str
    position: int
    quantity: int
    showtime_id: UUID
    status: WaitlistEntryStatus
    together: bool
    waitlist_id: UUID
    booking_id: None | Unset | UUID = UNSET
    offer: None | Unset | WaitlistOffer = UNSET
    seat_types: list[WaitlistEntrySeatTypesType0Item] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.waitlist_offer import WaitlistOffer  # noqa: PLC0415

        accessible = self.accessible

        created_at = self.created_at

        position = self.position

        quantity = self.quantity

        showtime_id = str(self.showtime_id)

        status: str = self.status

        together = self.together

        waitlist_id = str(self.waitlist_id)

        booking_id: None | str | Unset
        if isinstance(self.booking_id, Unset):
            booking_id = UNSET
        elif isinstance(self.booking_id, UUID):
            booking_id = str(self.booking_id)
        else:
            booking_id = self.booking_id

        offer: dict[str, Any] | None | Unset
        if isinstance(self.offer, Unset):
            offer = UNSET
        elif isinstance(self.offer, WaitlistOffer):
            offer = self.offer.to_dict()
        else:
            offer = self.offer

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accessible": accessible,
                "createdAt": created_at,
                "position": position,
                "quantity": quantity,
                "showtimeId": showtime_id,
                "status": status,
                "together": together,
                "waitlistId": waitlist_id,
            }
        )
        if booking_id is not UNSET:
            field_dict["bookingId"] = booking_id
        if offer is not UNSET:
            field_dict["offer"] = offer
        if seat_types is not UNSET:
            field_dict["seatTypes"] = seat_types

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.waitlist_offer import WaitlistOffer  # noqa: PLC0415

        d = dict(src_dict)
        accessible = d.pop("accessible")

        created_at = d.pop("createdAt")

        position = d.pop("position")

        quantity = d.pop("quantity")

        showtime_id = UUID(d.pop("showtimeId"))

        status = check_waitlist_entry_status(d.pop("status"))

        together = d.pop("together")

        waitlist_id = UUID(d.pop("waitlistId"))

        def _parse_booking_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                booking_id_type_0 = UUID(data)

                return booking_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        booking_id = _parse_booking_id(d.pop("bookingId", UNSET))

        def _parse_offer(data: object) -> None | Unset | WaitlistOffer:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                offer_type_0 = WaitlistOffer.from_dict(data)

                return offer_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WaitlistOffer, data)

        offer = _parse_offer(d.pop("offer", UNSET))

        def _parse_seat_types(data: object) -> list[WaitlistEntrySeatTypesType0Item] | None | Unset:
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
                    seat_types_type_0_item = check_waitlist_entry_seat_types_type_0_item(seat_types_type_0_item_data)

                    seat_types_type_0.append(seat_types_type_0_item)

                return seat_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[WaitlistEntrySeatTypesType0Item] | None | Unset, data)

        seat_types = _parse_seat_types(d.pop("seatTypes", UNSET))

        waitlist_entry = cls(
            accessible=accessible,
            created_at=created_at,
            position=position,
            quantity=quantity,
            showtime_id=showtime_id,
            status=status,
            together=together,
            waitlist_id=waitlist_id,
            booking_id=booking_id,
            offer=offer,
            seat_types=seat_types,
        )

        waitlist_entry.additional_properties = d
        return waitlist_entry

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
