from typing import Literal

CancelRequestReasonCategoryType0 = Literal[
    "CHANGE_OF_PLANS",
    "DUPLICATE_BOOKING",
    "ILLNESS",
    "NOT_GIVEN",
    "OTHER",
    "PRICE",
    "TRAVEL_DISRUPTION",
    "WRONG_SEATS",
    "WRONG_SHOWTIME",
]

CANCEL_REQUEST_REASON_CATEGORY_TYPE_0_VALUES: set[CancelRequestReasonCategoryType0] = {
    "CHANGE_OF_PLANS",
    "DUPLICATE_BOOKING",
    "ILLNESS",
    "NOT_GIVEN",
    "OTHER",
    "PRICE",
    "TRAVEL_DISRUPTION",
    "WRONG_SEATS",
    "WRONG_SHOWTIME",
}


def check_cancel_request_reason_category_type_0(value: str) -> CancelRequestReasonCategoryType0:
    if value in CANCEL_REQUEST_REASON_CATEGORY_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CANCEL_REQUEST_REASON_CATEGORY_TYPE_0_VALUES!r}")
