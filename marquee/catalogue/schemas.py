"""Response bodies of the catalogue: cinemas, what is on, showtimes, the seat map."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ..http.schemas import Camel


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
    available_seats: int  # 0: sold out
    on_sale: bool  # false once it has started (holds answer 409 SHOWTIME_NOT_ON_SALE)
    few_seats_left: bool  # 1 .. the few_seats_left setting (default 10) seats available


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
