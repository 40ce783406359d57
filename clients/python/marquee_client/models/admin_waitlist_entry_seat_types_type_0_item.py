from typing import Literal

AdminWaitlistEntrySeatTypesType0Item = Literal["PREMIUM", "STANDARD", "VIP", "WHEELCHAIR"]

ADMIN_WAITLIST_ENTRY_SEAT_TYPES_TYPE_0_ITEM_VALUES: set[AdminWaitlistEntrySeatTypesType0Item] = {
    "PREMIUM",
    "STANDARD",
    "VIP",
    "WHEELCHAIR",
}


def check_admin_waitlist_entry_seat_types_type_0_item(value: str) -> AdminWaitlistEntrySeatTypesType0Item:
    if value in ADMIN_WAITLIST_ENTRY_SEAT_TYPES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ADMIN_WAITLIST_ENTRY_SEAT_TYPES_TYPE_0_ITEM_VALUES!r}"
    )
