"""Request bodies of the operator endpoints: catalogue maintenance, seat blocks, promo codes, cancellation."""

from enum import StrEnum
from typing import Annotated, ClassVar, Literal
from uuid import UUID
from zoneinfo import available_timezones

from msgspec import Meta

from ..booking.schemas import Channel, OperatorReasonCategory, SeatType
from ..http.schemas import INT4_MAX, NO_NUL, Camel, Money, Name, SeatId, ShortText, Timestamp


# The zones Python knows (the system's tzdata, as Postgres' pg_timezone_names): booking.create_cinema refuses others.
TimeZone = StrEnum("TimeZone", {z: z for z in sorted(available_timezones())})
TimeZone.__doc__ = "An IANA time zone name, e.g. America/New_York."
Currency = Annotated[str, Meta(pattern="^[A-Z]{3}$", extra_json_schema={"examples": ["USD"]})]


class CinemaIn(Camel):
    name: Name
    city: ShortText
    time_zone: TimeZone
    currency: Currency = "USD"


class CinemaPatch(Camel):
    name: Name | None = None
    city: ShortText | None = None
    time_zone: TimeZone | None = None
    currency: Currency | None = None


class LayoutSeat(Camel):
    number: Annotated[int, Meta(ge=1, le=INT4_MAX)]
    type: SeatType = "STANDARD"
    x: Annotated[int, Meta(ge=-INT4_MAX, le=INT4_MAX)] | None = None  # default number - 1; gaps are aisles
    active: bool = True


class LayoutRow(Camel):
    label: Annotated[str, Meta(pattern="^[A-Za-z0-9]{1,3}$")]
    seats: Annotated[list[LayoutSeat], Meta(max_length=500)]
    y: Annotated[int, Meta(ge=-INT4_MAX, le=INT4_MAX)] | None = None  # default: the row's index


class AuditoriumLayout(Camel):
    """Row labels, seat numbers in a row, positions (x, y) and seat ids ("seat-" + lower(label) + number) are
    unique in the auditorium (else 422 VALIDATION_ERROR)."""
    rows: Annotated[list[LayoutRow], Meta(min_length=1, max_length=100)]


class AuditoriumIn(Camel):
    cinema_id: UUID
    name: Name
    layout: AuditoriumLayout


class SeatsActiveIn(Camel):
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=1000)]
    active: bool


Minutes = Annotated[int, Meta(ge=1, le=600)]
Rating = Annotated[str, Meta(max_length=20, pattern=NO_NUL)]
Description = Annotated[str, Meta(max_length=5000, pattern=NO_NUL)]


class MovieIn(Camel):
    title: Name
    duration_minutes: Minutes
    rating: Rating = ""
    description: Description = ""


class MoviePatch(Camel):
    title: Name | None = None
    duration_minutes: Minutes | None = None
    rating: Rating | None = None
    description: Description | None = None


Prices = dict[SeatType, Money]  # {"STANDARD": 12.00, "VIP": 20.00}


class ShowtimeIn(Camel):
    movie_id: UUID
    auditorium_id: UUID
    starts_at: Timestamp
    prices: Prices = {}


class PromoIn(Camel):
    """kind PERCENT: value 1 .. 100 (percent off); FIXED: an amount off. validUntil after validFrom."""
    code: Annotated[str, Meta(pattern="^[A-Za-z0-9_-]{2,40}$")]
    kind: Literal["PERCENT", "FIXED"]
    value: Money
    valid_from: Timestamp | None = None
    valid_until: Timestamp | None = None
    max_uses: Annotated[int, Meta(ge=1, le=INT4_MAX)] | None = None
    min_tickets: Annotated[int, Meta(ge=1, le=100)] = 1

    json_schema_extra: ClassVar[dict] = {"oneOf": [
        {"title": "PERCENT", "properties": {"kind": {"const": "PERCENT"},
                                            "value": {"exclusiveMinimum": 0, "maximum": 100}}},
        {"title": "FIXED", "properties": {"kind": {"const": "FIXED"}, "value": {"exclusiveMinimum": 0}}},
    ]}


class PromoActiveIn(Camel):
    active: bool


class BlockIn(Camel):
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=1000)]
    reason: Annotated[str, Meta(max_length=500, pattern=NO_NUL)] = ""


class AdminCancelIn(Camel):
    reason: Annotated[str, Meta(min_length=1, max_length=500, pattern=NO_NUL)]
    reason_category: OperatorReasonCategory | None = None
    refund_amount: Money | None = None
    override_policy: bool = False  # explicit: only an operator may cancel inside the cutoff, and it is audited


# ---------------------------------------------------------------- smart seating
SeatList = Annotated[list[SeatId], Meta(min_length=1, max_length=1000)]


class LoneSeatRule(Camel):
    enabled: bool | None


class ChannelAllocation(Camel):
    channel: Channel
    seat_ids: SeatList
    release_at: Timestamp | None = None


class ChannelRelease(Camel):
    seat_ids: SeatList | None = None


class Companions(Camel):
    wheelchair_seat_id: SeatId
    companion_seat_ids: Annotated[list[SeatId], Meta(max_length=20)]


Coordinate = Annotated[float, Meta(ge=-1e6, le=1e6)]


class FocalPoint(Camel):
    """Where best-available seats are measured from (seat-map x, y units); nulls: back to the default."""
    x: Coordinate | None
    y: Coordinate | None
