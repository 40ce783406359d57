"""Request and response bodies of the waiting list (docs/waitlist.md)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta

from ..booking.schemas import HeldSeat, Phone, SeatType
from ..http.schemas import Camel, Email, ShortText

WaitlistStatus = Literal["WAITING", "OFFERED", "BOOKED", "EXPIRED", "CANCELLED"]


class WaitlistRequest(Camel):
    """A party waiting for seats: how many, side by side or not, a wheelchair space with companions, which types."""
    email: Email
    name: ShortText
    quantity: Annotated[int, Meta(ge=1, le=100)]
    phone: Phone | None = None
    together: bool = True
    accessible: bool = False
    seat_types: Annotated[list[SeatType], Meta(max_length=4)] | None = None


class WaitlistOffer(Camel):
    """Seats held for the entry until expiresAt: confirm the hold (POST /api/bookings/confirm) to book them."""
    hold_id: UUID
    seats: list[HeldSeat]
    expires_at: datetime
    total_amount: Decimal
    currency: str
    session_token: str
    booking_url: str


class WaitlistEntry(Camel):
    waitlist_id: UUID
    showtime_id: UUID
    quantity: int
    position: int
    status: WaitlistStatus
    together: bool
    accessible: bool
    created_at: datetime
    seat_types: list[SeatType] | None = None
    offer: WaitlistOffer | None = None
    booking_id: UUID | None = None


class WaitlistJoined(WaitlistEntry):
    """201: the entry, WAITING, with its place in line."""


class AdminWaitlistEntry(WaitlistEntry):
    email: str = ""
    name: str = ""
    phone: str | None = None
    offered_at: datetime | None = None
    closed_at: datetime | None = None
    offers: int = 0


class AdminWaitlist(Camel):
    showtime_id: UUID
    entries: list[AdminWaitlistEntry]
