from typing import Literal

CancellationReasonsFor = Literal["customer", "operator"]

CANCELLATION_REASONS_FOR_VALUES: set[CancellationReasonsFor] = {
    "customer",
    "operator",
}


def check_cancellation_reasons_for(value: str) -> CancellationReasonsFor:
    if value in CANCELLATION_REASONS_FOR_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CANCELLATION_REASONS_FOR_VALUES!r}")
