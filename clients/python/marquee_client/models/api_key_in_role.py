from typing import Literal

ApiKeyInRole = Literal["ANALYST", "BOX_OFFICE", "DOOR", "MANAGER", "OWNER"]

API_KEY_IN_ROLE_VALUES: set[ApiKeyInRole] = {
    "ANALYST",
    "BOX_OFFICE",
    "DOOR",
    "MANAGER",
    "OWNER",
}


def check_api_key_in_role(value: str) -> ApiKeyInRole:
    if value in API_KEY_IN_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_KEY_IN_ROLE_VALUES!r}")
