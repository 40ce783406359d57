from typing import Literal

WaitlistEntrySeatTypesType0Item = Literal["PREMIUM", "STANDARD", "VIP", "WHEELCHAIR"]

WAITLIST_ENTRY_SEAT_TYPES_TYPE_0_ITEM_VALUES: set[WaitlistEntrySeatTypesType0Item] = {
    "PREMIUM",
    "STANDARD",
    "VIP",
    "WHEELCHAIR",
}


def check_waitlist_entry_seat_types_type_0_item(value: str) -> WaitlistEntrySeatTypesType0Item:
    if value in WAITLIST_ENTRY_SEAT_TYPES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WAITLIST_ENTRY_SEAT_TYPES_TYPE_0_ITEM_VALUES!r}")
