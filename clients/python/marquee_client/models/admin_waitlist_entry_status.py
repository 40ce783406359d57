from typing import Literal

AdminWaitlistEntryStatus = Literal["BOOKED", "CANCELLED", "EXPIRED", "OFFERED", "WAITING"]

ADMIN_WAITLIST_ENTRY_STATUS_VALUES: set[AdminWaitlistEntryStatus] = {
    "BOOKED",
    "CANCELLED",
    "EXPIRED",
    "OFFERED",
    "WAITING",
}


def check_admin_waitlist_entry_status(value: str) -> AdminWaitlistEntryStatus:
    if value in ADMIN_WAITLIST_ENTRY_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ADMIN_WAITLIST_ENTRY_STATUS_VALUES!r}")
