"""Shared request/response building blocks: camelCase on the wire, money as Decimal written as 12.00."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar.params import Parameter
from msgspec import Meta, Struct

# What the API accepts is what the OpenAPI document says (marquee/http/openapi.py takes msgspec's own schema of
# these types), so each constraint the SQL functions check is stated here too: a schema-valid request is never
# refused with 422, a schema-invalid one always is. Request bodies are decoded strictly (marquee/http/strict.py).
NO_NUL = r"^[^\x00]*$"  # Postgres text cannot hold NUL
# a name the functions btrim(): at least one character other than a space
NAME = r"^[^\x00]*[^ \x00][^\x00]*$"
MONEY_MAX = Decimal("99999999.99")  # numeric(10,2)
INT4_MAX = 2**31 - 1

Text = Annotated[str, Meta(pattern=NO_NUL)]
# An email address as the functions check it (booking.confirm, booking.create_operator: x@y.z, no spaces);
# whitespace spelled out: \s differs between Python, ECMAScript (the document) and Postgres.
_NOT_AT_OR_SPACE = r"[^@ \t\n\v\f\r\x00]"
Email = Annotated[str, Meta(min_length=5, max_length=254, pattern=(
    f"^{_NOT_AT_OR_SPACE}+@{_NOT_AT_OR_SPACE}+\\.{_NOT_AT_OR_SPACE}+$"))]
ShortText = Annotated[str, Meta(min_length=1, max_length=200, pattern=NO_NUL)]
Name = Annotated[str, Meta(min_length=1, max_length=200, pattern=NAME)]
SeatId = Annotated[str, Meta(min_length=1, max_length=40, pattern=NO_NUL)]
# An amount of money in a request: a JSON number, 0 .. 99999999.99, at most 2 decimals (strict.py checks each
# Decimal of a body; msgspec cannot bound one).
Money = Annotated[Decimal, Meta(extra_json_schema={
    "type": "number", "minimum": 0, "maximum": float(MONEY_MAX), "multipleOf": 0.01,
    "description": "an amount with at most 2 decimals, e.g. 12.00"})]
Timestamp = Annotated[datetime, Meta(tz=True)]  # RFC 3339 with an offset
# The customer's session (who holds which seats), sent by the booking pages and clients.
SessionHeader = Annotated[str | None, Parameter(header="X-Session-Token", required=False, min_length=1, max_length=200,
                                                pattern=r"^[\x20-\x7e]+$")]


class Camel(Struct, rename="camel", forbid_unknown_fields=False):
    pass


class Created(Camel):
    id: UUID


class Count(Camel):
    count: int


class Ok(Camel):
    ok: bool = True


class ErrorDetail(Camel):
    code: str  # stable: booking.error_codes (docs/errors.md); each response lists its codes in x-error-codes
    message: str  # for humans
    details: dict[str, Any]  # for programs (e.g. seatIds)


class Error(Camel):
    """Every error answer: {"error": {"code", "message", "details"}}."""
    error: ErrorDetail


def to(type_: Any, value: Any) -> Any:
    """Convert database JSON (dicts with camelCase keys) to a response Struct."""
    return msgspec.convert(value, type_)
