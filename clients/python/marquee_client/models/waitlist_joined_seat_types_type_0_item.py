from typing import Literal

WaitlistJoinedSeatTypesType0Item = Literal["PREMIUM", "STANDARD", "VIP", "WHEELCHAIR"]

WAITLIST_JOINED_SEAT_TYPES_TYPE_0_ITEM_VALUES: set[WaitlistJoinedSeatTypesType0Item] = {
    "PREMIUM",
    "STANDARD",
    "VIP",
    "WHEELCHAIR",
}


def check_waitlist_joined_seat_types_type_0_item(value: str) -> WaitlistJoinedSeatTypesType0Item:
    if value in WAITLIST_JOINED_SEAT_TYPES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WAITLIST_JOINED_SEAT_TYPES_TYPE_0_ITEM_VALUES!r}")
