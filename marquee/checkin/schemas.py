"""Request and response bodies of check-in (camelCase on the wire; docs/checkin.md)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta

from ..http.schemas import NO_NUL, Camel

Door = Annotated[str, Meta(max_length=100, pattern=NO_NUL)]


class ScanIn(Camel):
    code: Annotated[str, Meta(min_length=1, max_length=400, pattern=NO_NUL)]
    showtime_id: UUID | None = None
    door: Door | None = None
    device_id: Door | None = None


class Admitted(Camel):
    result: Literal["ADMITTED"]
    ticket_id: UUID
    seat_id: str
    row_label: str
    seat_number: int
    movie: str
    starts_at: datetime
    showtime_id: UUID
    scanned_at: datetime
    door: str | None


class UndoIn(Camel):
    ticket_id: UUID


class OfflineScan(Camel):
    ticket_id: UUID
    scanned_at: Annotated[datetime, Meta(tz=True)]
    door: Door | None = None
    device_id: Door | None = None
