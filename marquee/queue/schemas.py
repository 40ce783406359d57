"""Bodies and headers of the waiting room."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from litestar.params import Parameter
from msgspec import Meta

from ..http.schemas import Camel, ShortText, Timestamp

# The admission token of a queued showtime's hold (bound to the session token; docs/waiting-room.md)
AdmissionHeader = Annotated[str | None, Parameter(header="X-Admission-Token", required=False, min_length=1,
                                                  max_length=200, pattern=r"^[\x20-\x7e]+$")]


class OnSaleIn(Camel):
    opens_at: Timestamp
    queue: bool = True
    admit_per_minute: Annotated[int, Meta(ge=1, le=100000)] | None = None
    admission_minutes: Annotated[int, Meta(ge=1, le=1440)] | None = None


class JoinIn(Camel):
    session_token: ShortText


class OnSale(Camel):
    showtime_id: UUID
    opens_at: datetime
    queue: bool
    admit_per_minute: int | None
    admission_minutes: int
    paused: bool
    updated_at: datetime


class StandingOnSale(Camel):
    """A movie's standing on-sale schedule: a showtime of the movie created later (in cinemaId, or in any cinema
    when it is null) gets it."""
    cinema_id: UUID | None
    opens_at: datetime
    queue: bool
    admission_minutes: int
    updated_at: datetime
    admit_per_minute: int | None = None


class MovieOnSale(Camel):
    """The schedules of a movie's showtimes that have not started (in one cinema, or all when cinemaId is null), and
    the movie's standing schedules that showtimes created later there take."""
    movie_id: UUID
    cinema_id: UUID | None
    count: int
    showtimes: list[OnSale]
    standing: list[StandingOnSale] = []


class WaitingRoom(Camel):
    """Public: whether a showtime sells through a waiting room (the showtime page)."""
    showtime_id: UUID
    opens_at: datetime
    queue: bool
    open: bool
    sold_out: bool


class QueueEntry(Camel, omit_defaults=True):
    """A place in a waiting room. position: 1 = next (0 once no longer waiting); admissionToken only when ADMITTED."""
    queue_id: UUID
    showtime_id: UUID
    position: int
    status: Literal["WAITING", "ADMITTED", "EXPIRED", "SOLD_OUT"]
    opens_at: datetime
    estimated_wait_seconds: int
    admitted_until: datetime | None
    admission_token: str | None = None


class QueueStatus(Camel):
    showtime_id: UUID
    opens_at: datetime
    queue: bool
    paused: bool
    drawn_at: datetime | None
    sold_out_at: datetime | None
    admit_per_minute: int | None
    admission_rate: float
    waiting: int
    admitted: int
    shopping: int
    expired: int
    sold_out: int
    sold_seats: int
