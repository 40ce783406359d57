"""Request and response bodies of an exchange (docs/waitlist.md, "Exchanges")."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar
from uuid import UUID

from msgspec import Meta

from ..booking.schemas import HeldSeat, SeatType
from ..http.schemas import Camel, SeatId


class ExchangeBestAvailable(Camel):
    """The best n seats of the target showtime (the rules of best available)."""
    quantity: Annotated[int, Meta(ge=1, le=100)]
    together: bool = True
    types: Annotated[list[SeatType], Meta(max_length=4)] | None = None


class ExchangeSeats(Camel):
    """Move to these seats."""
    showtime_id: UUID
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=100)]


class ExchangeBest(Camel):
    """Move to the best n seats."""
    showtime_id: UUID
    best_available: ExchangeBestAvailable


class ExchangeRequest(Camel):
    """The same or another showtime of the booking's cinema, and either seatIds or bestAvailable."""
    showtime_id: UUID
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=100)] | None = None
    best_available: ExchangeBestAvailable | None = None

    json_schema_one_of: ClassVar[tuple] = (ExchangeSeats, ExchangeBest)


class ExchangeResponse(Camel):
    booking_id: UUID
    booking_reference: str
    status: str
    showtime_id: UUID
    previous_showtime_id: UUID
    seats: list[HeldSeat]
    price_difference: Decimal
    refund_amount: Decimal | None = None
    refund_id: UUID | None = None
    refund_status: str | None = None
    payment_intent_id: str | None = None


class ExchangePendingResponse(Camel):
    """A dearer exchange (202): the new seats are held until paymentDeadline, the booking stays CONFIRMED on its old
    seats until priceDifference is paid with paymentIntentId (POST /api/payments/process), then they swap."""
    booking_id: UUID
    booking_reference: str
    status: str  # PENDING_PAYMENT
    showtime_id: UUID
    previous_showtime_id: UUID
    seats: list[HeldSeat]
    price_difference: Decimal
    currency: str
    payment_intent_id: str
    exchange_id: UUID
    payment_deadline: datetime
