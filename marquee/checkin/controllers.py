"""Check-in over HTTP (issue 19; docs/checkin.md). Operator or scanner credentials (permission `checkin`: DOOR,
MANAGER, OWNER; a scanner is an API key with the DOOR role).

POST /api/checkin/scan                           {"code", "showtimeId"?, "door"?, "deviceId"?} -> 200 ADMITTED
POST /api/checkin/undo                           {"ticketId"} reverses a mistaken scan (audited)
GET  /api/checkin/showtimes/{showtimeId}/manifest  keys, tickets, scans: what an offline scanner needs
POST /api/checkin/sync                           [{"ticketId", "scannedAt", "door", "deviceId"}] offline scans

The signature of a code is checked here (Ed25519, codes.py: Postgres has none); every other rule is SQL's.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, scalar
from ..http.auth import as_operator, operator_guard
from ..http.errors import ApiError
from ..http.openapi import errors
from ..http.responses import json_text
from . import codes, keyring
from .schemas import Admitted, OfflineScan, ScanIn, UndoIn

Q = Queries.beside(__file__)


class CheckinController(Controller):
    path = "/api/checkin"
    guards = [operator_guard]
    tags = ["checkin"]
    security = [{"BearerToken": []}]

    @post("/scan", status_code=200, summary="Scan a ticket at the door: ADMITTED once (permission checkin)",
          responses=errors("TICKET_INVALID", "TICKET_ALREADY_USED", "TICKET_VOID", "TICKET_WRONG_SHOWTIME",
                           "TICKET_TOO_EARLY"))
    async def scan(self, request: Request, data: ScanIn, pool: AsyncConnectionPool) -> Response[Admitted]:
        async with as_operator(request, pool) as db:
            await scalar(db, Q.require_checkin)  # who may scan is known before the code is looked at
            try:
                parsed = await keyring(request.app).verify(db, data.code)
            except codes.InvalidCode as exc:
                raise ApiError("TICKET_INVALID", f"not a valid ticket code: {exc}", {"reason": str(exc)}) from None
            return json_text(await scalar(db, Q.check_in, {
                "ticket_id": parsed.ticket_id, "key_id": parsed.key_id, "showtime_id": data.showtime_id,
                "door": data.door, "device_id": data.device_id}))

    @post("/undo", status_code=200, summary="Reverse a mistaken scan (audited; permission checkin)",
          responses=errors("TICKET_INVALID", "TICKET_NOT_CHECKED_IN"))
    async def undo(self, request: Request, data: UndoIn, pool: AsyncConnectionPool) -> Response[dict]:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.undo_check_in, {"ticket_id": data.ticket_id}))

    @get("/showtimes/{showtime_id:uuid}/manifest", summary="What an offline scanner needs for a showtime",
         responses=errors("SHOWTIME_NOT_FOUND"))
    async def manifest(self, request: Request, showtime_id: UUID, pool: AsyncConnectionPool) -> Response[dict]:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.manifest, {"showtime_id": showtime_id}))

    @post("/sync", status_code=200, summary="Upload scans made offline: first by scannedAt wins, duplicates reported")
    async def sync(self, request: Request, data: list[OfflineScan], pool: AsyncConnectionPool) -> Response[dict]:
        if len(data) > 5000:
            raise ApiError("VALIDATION_ERROR", "at most 5000 scans per upload", {"count": len(data)})
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.sync_scans, {"scans": msgspec.json.encode(data).decode()}))
