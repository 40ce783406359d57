from typing import Literal

OperatorInRole = Literal["ANALYST", "BOX_OFFICE", "DOOR", "MANAGER", "OWNER"]

OPERATOR_IN_ROLE_VALUES: set[OperatorInRole] = {
    "ANALYST",
    "BOX_OFFICE",
    "DOOR",
    "MANAGER",
    "OWNER",
}


def check_operator_in_role(value: str) -> OperatorInRole:
    if value in OPERATOR_IN_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OPERATOR_IN_ROLE_VALUES!r}")
