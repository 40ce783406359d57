from typing import Literal

ApiKeyRole = Literal["ANALYST", "BOX_OFFICE", "DOOR", "MANAGER", "OWNER"]

API_KEY_ROLE_VALUES: set[ApiKeyRole] = {
    "ANALYST",
    "BOX_OFFICE",
    "DOOR",
    "MANAGER",
    "OWNER",
}


def check_api_key_role(value: str) -> ApiKeyRole:
    if value in API_KEY_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_KEY_ROLE_VALUES!r}")
