"""Operator endpoints for notification emails: parked messages, retrying one, and the demo mailbox.

GET  /api/admin/outbox/failed       emails parked after their last attempt (booking.failed_messages)
POST /api/admin/outbox/{id}/retry   send a parked email again (fresh attempts, audited)
GET  /api/admin/mail                what the local SMTP sink received (MAIL_DIR), newest first
GET  /api/admin/mail/{name}         one received email, raw (.eml)

Who may: outbox.manage for the outbox (its cinemas' messages only), mail.read (OWNER) for the demo mailbox; the
database decides (booking.require), with the request's credential (marquee/http/auth.py).
"""

import asyncio
import re
from email import message_from_bytes, policy
from pathlib import Path

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, scalar
from ..http.auth import as_operator, operator_guard
from ..http.errors import ApiError
from ..http.openapi import errors
from ..http.responses import encode, json_text

Q = Queries.beside(__file__)
_EML = re.compile(r"^[0-9A-Za-z._-]{1,120}\.eml$")


def _summary(path: Path) -> dict:
    msg = message_from_bytes(path.read_bytes(), policy=policy.default)
    text = msg.get_body(("plain",))
    return {
        "name": path.name,
        "messageId": msg["Message-ID"],
        "from": str(msg["From"] or ""),
        "to": str(msg["To"] or ""),
        "subject": str(msg["Subject"] or ""),
        "date": str(msg["Date"] or ""),
        "kind": msg["X-Marquee-Kind"],
        "bookingReference": msg["X-Marquee-Booking-Reference"],
        "text": text.get_content() if text is not None else "",
        "attachments": [a.get_filename() for a in msg.iter_attachments() if a.get_filename()],
    }


def _mailbox(mail_dir: str, to: str | None, limit: int) -> Response:
    folder = Path(mail_dir)
    files = sorted(folder.glob("*.eml"), key=lambda p: p.name, reverse=True) if folder.is_dir() else []
    out = []
    for path in files:
        item = _summary(path)
        if to is None or to.lower() in item["to"].lower():
            out.append(item)
            if len(out) >= limit:
                break
    return Response(encode(out), media_type="application/json", headers={"Cache-Control": "no-store"})


class OutboxAdminController(Controller):
    path = "/api/admin"
    guards = [operator_guard]
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/outbox/failed", summary="Notification emails parked after their last attempt (outbox.manage)")
    async def failed(self, request: Request, pool: AsyncConnectionPool,
                     limit: int = Parameter(default=100, ge=1, le=1000)) -> Response:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.outbox_failed_messages, {"limit": limit}))

    @post("/outbox/{outbox_id:int}/retry", status_code=200, summary="Send a parked email again (outbox.manage)",
          responses=errors("OUTBOX_MESSAGE_NOT_FOUND", "OUTBOX_NOT_FAILED"))
    async def retry(self, request: Request, pool: AsyncConnectionPool,
                    outbox_id: int = Parameter(ge=1, le=2**53)) -> Response:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.outbox_retry, {"id": outbox_id}))

    @get("/mail", summary="Emails received by the local SMTP sink (demo mailbox), newest first (mail.read)")
    async def mail(self, request: Request, pool: AsyncConnectionPool,
                   to: str | None = Parameter(default=None, max_length=254),
                   limit: int = Parameter(default=50, ge=1, le=500)) -> Response:
        async with as_operator(request, pool) as db:
            await scalar(db, Q.require_mail_read)
        return await asyncio.to_thread(_mailbox, request.app.state.settings.mail_dir, to, limit)

    @get("/mail/{name:str}", summary="One received email as a raw .eml file (mail.read)",
         responses=errors("MAIL_NOT_FOUND"))
    async def mail_file(self, request: Request, pool: AsyncConnectionPool, name: str) -> Response:
        async with as_operator(request, pool) as db:
            await scalar(db, Q.require_mail_read)
        path = Path(request.app.state.settings.mail_dir) / name
        if not _EML.match(name) or not path.is_file():
            raise ApiError("MAIL_NOT_FOUND", f"no email named {name!r} in the demo mailbox", {"name": name})
        return Response(path.read_bytes(), media_type="message/rfc822",
                        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})
