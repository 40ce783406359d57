"""Schemathesis hooks for Marquee (SCHEMATHESIS_HOOKS=testing.schemathesis_hooks; make test and make fuzz set it).

`documented_error_code`: an error answer's body is {"error": {"code", "message", "details"}} and its code is one
the operation's response for that status lists in `x-error-codes` (marquee/http/openapi.py). Schemathesis'
status_code_conformance already fails on an undocumented status; this fails on an undocumented code, so a route
that can raise a code it does not declare in errors(...) is found by the run.
"""

from datetime import datetime

import schemathesis


@schemathesis.check
def documented_error_code(ctx, response, case):
    if response.status_code < 400:
        return None
    definition = case.operation.responses.find_by_status_code(response.status_code)
    if definition is None:
        return None  # status_code_conformance reports it
    codes = definition.definition.get("x-error-codes")
    if not codes:
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"{response.status_code} without a JSON error body: {response.text[:200]!r}") from None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        raise AssertionError(f"not the error shape {{'error': {{code, message, details}}}}: {response.text[:200]}")
    if error["code"] not in codes:
        raise AssertionError(f"{case.operation.label} answered {response.status_code} {error['code']}, which its "
                             f"response does not list (x-error-codes: {', '.join(codes)}); declare it in errors(...)")
    return None


# ---------------------------------------------------------------- rules JSON Schema cannot state
# Both are said in the schemas' descriptions and refused with 422 VALIDATION_ERROR; the generator is taught them
# here so that a "valid" case is valid (schemathesis' positive_data_acceptance would count the 422 otherwise).
def _instant(value):
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _promo_window(body: dict) -> None:
    """validUntil must be after validFrom."""
    start, end = _instant(body.get("validFrom")), _instant(body.get("validUntil"))
    if start and end and start.tzinfo and end.tzinfo and end <= start:
        body["validFrom"], body["validUntil"] = body["validUntil"], body["validFrom"]
        if start == end:
            body.pop("validUntil")


def _integral(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _distinct_seats(layout: dict) -> None:
    """Row labels are distinct (case-insensitively), and so are seat numbers within a row, positions (x, y) and
    seat ids in the hall."""
    rows = layout.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return
    labels, kept = set(), []
    for row in rows:
        label = row.get("label")
        if isinstance(label, str):
            if label.upper() in labels:
                continue
            labels.add(label.upper())
        kept.append(row)
    rows[:] = kept or rows[:1]
    places, codes = set(), set()
    for index, row in enumerate(rows):
        seats = row.get("seats")
        if not isinstance(seats, list) or not all(isinstance(s, dict) for s in seats):
            continue
        y = _integral(row.get("y", index))
        numbers, unique = set(), []
        for seat in seats:
            # the API reads 3.0 as the integer 3 (JSON Schema's integer), so 3 and 3.0 are the same seat
            number = _integral(seat.get("number"))
            x = _integral(seat.get("x", number - 1 if isinstance(number, int) else None))
            number_key, place_key = repr(number), repr((x, y))  # a negative case may hold anything
            # the seat's id is "seat-" + lower(label) + number: row A1 seat 1 and row A seat 11 are one id
            code = f"seat-{str(row.get('label')).lower()}{number}"
            if number_key in numbers or place_key in places or code in codes:
                continue
            numbers.add(number_key)
            places.add(place_key)
            codes.add(code)
            unique.append(seat)
        seats[:] = unique


def _teach(operation, body) -> None:
    if isinstance(body, dict):
        operation_id = operation.definition.raw.get("operationId")
        if operation_id == "adminCreatePromo":
            _promo_window(body)
        elif operation_id == "adminCreateAuditorium" and isinstance(body.get("layout"), dict):
            _distinct_seats(body["layout"])


# map_body: the bodies drawn by hypothesis (fuzzing, stateful); map_case: the coverage phase's cases
@schemathesis.hook
def map_body(context, body):
    _teach(context.operation, body)
    return body


@schemathesis.hook
def map_case(context, case):
    _teach(case.operation, case.body)
    return case
