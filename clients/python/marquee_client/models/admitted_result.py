from typing import Literal

AdmittedResult = Literal["ADMITTED"]

ADMITTED_RESULT_VALUES: set[AdmittedResult] = {
    "ADMITTED",
}


def check_admitted_result(value: str) -> AdmittedResult:
    if value in ADMITTED_RESULT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ADMITTED_RESULT_VALUES!r}")
