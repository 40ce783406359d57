from typing import Literal

ExchangeBestAvailableTypesType0Item = Literal["PREMIUM", "STANDARD", "VIP", "WHEELCHAIR"]

EXCHANGE_BEST_AVAILABLE_TYPES_TYPE_0_ITEM_VALUES: set[ExchangeBestAvailableTypesType0Item] = {
    "PREMIUM",
    "STANDARD",
    "VIP",
    "WHEELCHAIR",
}


def check_exchange_best_available_types_type_0_item(value: str) -> ExchangeBestAvailableTypesType0Item:
    if value in EXCHANGE_BEST_AVAILABLE_TYPES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EXCHANGE_BEST_AVAILABLE_TYPES_TYPE_0_ITEM_VALUES!r}")
