from typing import Literal

AdminCancelInReasonCategoryType0 = Literal[
    "CHANGE_OF_PLANS",
    "CUSTOMER_SERVICE",
    "DUPLICATE_BOOKING",
    "ILLNESS",
    "NOT_GIVEN",
    "OTHER",
    "PAYMENT_PROBLEM",
    "PRICE",
    "SHOWTIME_CANCELLED",
    "TECHNICAL_FAULT",
    "TRAVEL_DISRUPTION",
    "WRONG_SEATS",
    "WRONG_SHOWTIME",
]

ADMIN_CANCEL_IN_REASON_CATEGORY_TYPE_0_VALUES: set[AdminCancelInReasonCategoryType0] = {
    "CHANGE_OF_PLANS",
    "CUSTOMER_SERVICE",
    "DUPLICATE_BOOKING",
    "ILLNESS",
    "NOT_GIVEN",
    "OTHER",
    "PAYMENT_PROBLEM",
    "PRICE",
    "SHOWTIME_CANCELLED",
    "TECHNICAL_FAULT",
    "TRAVEL_DISRUPTION",
    "WRONG_SEATS",
    "WRONG_SHOWTIME",
}


def check_admin_cancel_in_reason_category_type_0(value: str) -> AdminCancelInReasonCategoryType0:
    if value in ADMIN_CANCEL_IN_REASON_CATEGORY_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ADMIN_CANCEL_IN_REASON_CATEGORY_TYPE_0_VALUES!r}")
