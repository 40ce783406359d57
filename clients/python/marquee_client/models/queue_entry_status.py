from typing import Literal

QueueEntryStatus = Literal["ADMITTED", "EXPIRED", "SOLD_OUT", "WAITING"]

QUEUE_ENTRY_STATUS_VALUES: set[QueueEntryStatus] = {
    "ADMITTED",
    "EXPIRED",
    "SOLD_OUT",
    "WAITING",
}


def check_queue_entry_status(value: str) -> QueueEntryStatus:
    if value in QUEUE_ENTRY_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {QUEUE_ENTRY_STATUS_VALUES!r}")
