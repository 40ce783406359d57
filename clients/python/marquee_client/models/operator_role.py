from typing import Literal

OperatorRole = Literal["ANALYST", "BOX_OFFICE", "DOOR", "MANAGER", "OWNER"]

OPERATOR_ROLE_VALUES: set[OperatorRole] = {
    "ANALYST",
    "BOX_OFFICE",
    "DOOR",
    "MANAGER",
    "OWNER",
}


def check_operator_role(value: str) -> OperatorRole:
    if value in OPERATOR_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OPERATOR_ROLE_VALUES!r}")
