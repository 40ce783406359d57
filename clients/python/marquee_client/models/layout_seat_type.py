from typing import Literal

LayoutSeatType = Literal["PREMIUM", "STANDARD", "VIP", "WHEELCHAIR"]

LAYOUT_SEAT_TYPE_VALUES: set[LayoutSeatType] = {
    "PREMIUM",
    "STANDARD",
    "VIP",
    "WHEELCHAIR",
}


def check_layout_seat_type(value: str) -> LayoutSeatType:
    if value in LAYOUT_SEAT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LAYOUT_SEAT_TYPE_VALUES!r}")
