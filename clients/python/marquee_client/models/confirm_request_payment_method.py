from typing import Literal

ConfirmRequestPaymentMethod = Literal["CARD"]

CONFIRM_REQUEST_PAYMENT_METHOD_VALUES: set[ConfirmRequestPaymentMethod] = {
    "CARD",
}


def check_confirm_request_payment_method(value: str) -> ConfirmRequestPaymentMethod:
    if value in CONFIRM_REQUEST_PAYMENT_METHOD_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CONFIRM_REQUEST_PAYMENT_METHOD_VALUES!r}")
