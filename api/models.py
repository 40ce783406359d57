"""Request and response bodies (camelCase on the wire, as in the seed). Money is Decimal, written as 12.00."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import Meta, Struct

Money = Decimal  # range and cents are checked by the SQL functions (msgspec cannot bound Decimal)
ShortText = Annotated[str, Meta(min_length=1, max_length=200)]
SeatId = Annotated[str, Meta(min_length=1, max_length=40)]


class Camel(Struct, rename="camel", forbid_unknown_fields=False):
    pass


# ---------------------------------------------------------------- catalogue
class Cinema(Camel):
    id: UUID
    name: str
    city: str
    time_zone: str
    currency: str


class MovieShowing(Camel):
    id: UUID
    title: str
    duration_minutes: int
    rating: str
    description: str
    showtime_count: int
    first_starts_at: datetime


class Showtime(Camel):
    id: UUID
    movie_id: UUID
    starts_at: datetime  # with the cinema's local UTC offset
    ends_at: datetime
    auditorium: str
    auditorium_id: UUID
    total_seats: int
    available_seats: int


class MapSeat(Camel):
    id: str
    seat_number: int
    type: str
    status: str  # AVAILABLE | SELECTED | LOCKED | BOOKED | BLOCKED
    price: Decimal | None
    x: int
    y: int


class MapRow(Camel):
    label: str
    seats: list[MapSeat]


class Layout(Camel):
    rows: list[MapRow]


class SeatMap(Camel):
    showtime_id: UUID
    total_seats: int
    available_seats: int
    layout: Layout


# ---------------------------------------------------------------- booking flow
class BestAvailable(Camel):
    """Smart seating (docs/smart-seating.md): the best n seats instead of a list of seat ids."""
    quantity: Annotated[int, Meta(ge=1, le=100)]
    types: Annotated[list[Annotated[str, Meta(max_length=20)]], Meta(max_length=4)] | None = None
    together: bool = True
    accessible: bool = False


class HoldRequest(Camel):
    showtime_id: UUID
    session_token: ShortText
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=100)] | None = None
    best_available: BestAvailable | None = None  # instead of seatIds (api/smart.py)
    channel: Annotated[str, Meta(min_length=1, max_length=60)] | None = None  # sales channel of the hold


class HeldSeat(Camel):
    id: str
    row_label: str
    seat_number: int
    type: str
    price: Decimal | None


class HoldResponse(Camel):
    hold_id: UUID
    expires_at: datetime
    seats: list[HeldSeat]
    total_amount: Decimal
    currency: str


class ReleaseResponse(Camel):
    hold_id: UUID
    released: bool


class PriceRequest(Camel):
    hold_id: UUID
    promo_code: Annotated[str, Meta(max_length=40)] | None = None
    session_token: ShortText | None = None


class PriceResponse(Camel):
    subtotal: Decimal
    discount: Decimal
    final_amount: Decimal
    currency: str
    promo_code: str | None
    tickets: int


class UserDetails(Camel):
    email: Annotated[str, Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
    name: ShortText
    phone: Annotated[str, Meta(max_length=40)] | None = None


class ConfirmRequest(Camel):
    hold_id: UUID
    user_details: UserDetails
    payment_method: Annotated[str, Meta(min_length=1, max_length=20)] = "CARD"
    session_token: ShortText | None = None


class ConfirmResponse(Camel):
    booking_id: UUID
    booking_reference: str
    status: str
    payment_intent_id: str | None  # None when nothing is to be paid (status CONFIRMED at once)
    amount: Decimal
    currency: str
    payment_deadline: datetime


class PaymentMethod(Camel):
    type: Annotated[str, Meta(min_length=1, max_length=20)]
    token: Annotated[str, Meta(min_length=1, max_length=255)]


class PaymentRequest(Camel):
    booking_id: UUID
    payment_intent_id: Annotated[str, Meta(min_length=1, max_length=255)]
    payment_method: PaymentMethod


class PaymentResponse(Camel):
    success: bool
    booking_reference: str
    status: str


class CancelRequest(Camel):
    reason: Annotated[str, Meta(max_length=500)] = ""
    refund_amount: Money | None = None


class RefundInfo(Camel):
    refund_id: UUID
    amount: Decimal
    status: str


class CancelResponse(Camel):
    booking_id: UUID
    booking_reference: str
    status: str
    refund_amount: Decimal
    refund: RefundInfo | None


# ---------------------------------------------------------------- admin
class CinemaIn(Camel):
    name: ShortText
    city: ShortText
    time_zone: ShortText
    currency: Annotated[str, Meta(pattern="^[A-Z]{3}$")] = "USD"


class CinemaPatch(Camel):
    name: ShortText | None = None
    city: ShortText | None = None
    time_zone: ShortText | None = None
    currency: Annotated[str, Meta(pattern="^[A-Z]{3}$")] | None = None


class AuditoriumIn(Camel):
    cinema_id: UUID
    name: ShortText
    layout: dict[str, Any]  # {"rows": [{"label": "A", "seats": [{"number": 1, "type": "STANDARD", "x": 0}]}]}


class SeatsActiveIn(Camel):
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=1000)]
    active: bool


class MovieIn(Camel):
    title: ShortText
    duration_minutes: Annotated[int, Meta(ge=1, le=600)]
    rating: Annotated[str, Meta(max_length=20)] = ""
    description: Annotated[str, Meta(max_length=5000)] = ""


class MoviePatch(Camel):
    title: ShortText | None = None
    duration_minutes: Annotated[int, Meta(ge=1, le=600)] | None = None
    rating: Annotated[str, Meta(max_length=20)] | None = None
    description: Annotated[str, Meta(max_length=5000)] | None = None


class ShowtimeIn(Camel):
    movie_id: UUID
    auditorium_id: UUID
    starts_at: datetime
    prices: dict[str, Money] = {}


class PromoIn(Camel):
    code: Annotated[str, Meta(pattern="^[A-Za-z0-9_-]{2,40}$")]
    kind: Annotated[str, Meta(pattern="^(PERCENT|FIXED)$")]
    value: Money
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: Annotated[int, Meta(ge=1)] | None = None
    min_tickets: Annotated[int, Meta(ge=1, le=100)] = 1


class PromoActiveIn(Camel):
    active: bool


class BlockIn(Camel):
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=1000)]
    reason: Annotated[str, Meta(max_length=500)] = ""


class AdminCancelIn(Camel):
    reason: Annotated[str, Meta(min_length=1, max_length=500)]
    refund_amount: Money | None = None
    override_policy: bool = False  # explicit: only an operator may cancel inside the cutoff, and it is audited


class Created(Camel):
    id: UUID


class Count(Camel):
    count: int


class Ok(Camel):
    ok: bool = True


def to(type_: Any, value: Any) -> Any:
    """Convert database JSON (dicts with camelCase keys) to a response Struct."""
    return msgspec.convert(value, type_)


__all__ = ["date"]
