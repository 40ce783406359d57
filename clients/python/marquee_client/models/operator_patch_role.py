from typing import Literal

OperatorPatchRole = Literal["ANALYST", "BOX_OFFICE", "DOOR", "MANAGER", "OWNER"]

OPERATOR_PATCH_ROLE_VALUES: set[OperatorPatchRole] = {
    "ANALYST",
    "BOX_OFFICE",
    "DOOR",
    "MANAGER",
    "OWNER",
}


def check_operator_patch_role(value: str) -> OperatorPatchRole:
    if value in OPERATOR_PATCH_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OPERATOR_PATCH_ROLE_VALUES!r}")
