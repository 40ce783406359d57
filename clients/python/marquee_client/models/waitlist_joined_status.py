from typing import Literal

WaitlistJoinedStatus = Literal["BOOKED", "CANCELLED", "EXPIRED", "OFFERED", "WAITING"]

WAITLIST_JOINED_STATUS_VALUES: set[WaitlistJoinedStatus] = {
    "BOOKED",
    "CANCELLED",
    "EXPIRED",
    "OFFERED",
    "WAITING",
}


def check_waitlist_joined_status(value: str) -> WaitlistJoinedStatus:
    if value in WAITLIST_JOINED_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WAITLIST_JOINED_STATUS_VALUES!r}")
