from typing import Literal

OperatorBriefRole = Literal["ANALYST", "BOX_OFFICE", "DOOR", "MANAGER", "OWNER"]

OPERATOR_BRIEF_ROLE_VALUES: set[OperatorBriefRole] = {
    "ANALYST",
    "BOX_OFFICE",
    "DOOR",
    "MANAGER",
    "OWNER",
}


def check_operator_brief_role(value: str) -> OperatorBriefRole:
    if value in OPERATOR_BRIEF_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OPERATOR_BRIEF_ROLE_VALUES!r}")
