from typing import Literal

WaitlistRequestSeatTypesType0Item = Literal["PREMIUM", "STANDARD", "VIP", "WHEELCHAIR"]

WAITLIST_REQUEST_SEAT_TYPES_TYPE_0_ITEM_VALUES: set[WaitlistRequestSeatTypesType0Item] = {
    "PREMIUM",
    "STANDARD",
    "VIP",
    "WHEELCHAIR",
}


def check_waitlist_request_seat_types_type_0_item(value: str) -> WaitlistRequestSeatTypesType0Item:
    if value in WAITLIST_REQUEST_SEAT_TYPES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WAITLIST_REQUEST_SEAT_TYPES_TYPE_0_ITEM_VALUES!r}")
