from typing import Literal

BestAvailableTypesType0Item = Literal["PREMIUM", "STANDARD", "VIP", "WHEELCHAIR"]

BEST_AVAILABLE_TYPES_TYPE_0_ITEM_VALUES: set[BestAvailableTypesType0Item] = {
    "PREMIUM",
    "STANDARD",
    "VIP",
    "WHEELCHAIR",
}


def check_best_available_types_type_0_item(value: str) -> BestAvailableTypesType0Item:
    if value in BEST_AVAILABLE_TYPES_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BEST_AVAILABLE_TYPES_TYPE_0_ITEM_VALUES!r}")
