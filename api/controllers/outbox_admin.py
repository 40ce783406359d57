"""Operator endpoints for notification emails: parked messages, retrying one, and the demo mailbox.

GET  /api/admin/outbox/failed       emails parked after their last attempt (booking.failed_messages)
POST /api/admin/outbox/{id}/retry   send a parked email again (fresh attempts, audited)
GET  /api/admin/mail                what the local SMTP sink received (MAIL_DIR), newest first
GET  /api/admin/mail/{name}         one received email, raw (.eml)
"""

import re
from email import message_from_bytes, policy
from pathlib import Path

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from workers.config import MailSettings

from ..auth import admin_actor, admin_guard
from ..errors import ApiError
from ..queries import Q
from ..responses import encode

_EML = re.compile(r"^[0-9A-Za-z._-]{1,120}\.eml$")


def _json(body: str | None) -> Response:
    return Response(body or "null", media_type="application/json", headers={"Cache-Control": "no-store"})


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


class OutboxAdminController(Controller):
    path = "/api/admin"
    guards = [admin_guard]
    tags = ["admin"]
    security = [{"BearerToken": []}]

    @get("/outbox/failed", summary="Notification emails parked after their last attempt")
    async def failed(self, pool: AsyncConnectionPool,
                     limit: int = Parameter(default=100, ge=1, le=1000)) -> Response:
        async with pool.connection() as conn:
            row = await (await conn.execute(Q.outbox_failed_messages, {"limit": limit})).fetchone()
        return _json(row[0])

    @post("/outbox/{outbox_id:int}/retry", status_code=200, summary="Send a parked email again")
    async def retry(self, request: Request, pool: AsyncConnectionPool,
                    outbox_id: int = Parameter(ge=1, le=2**63 - 1)) -> Response:
        async with pool.connection() as conn:
            row = await (await conn.execute(Q.outbox_retry, {"id": outbox_id, "actor": admin_actor(request)})).fetchone()
        return _json(row[0])

    @get("/mail", summary="Emails received by the local SMTP sink (demo mailbox), newest first", sync_to_thread=True)
    def mail(self, to: str | None = Parameter(default=None, max_length=254),
             limit: int = Parameter(default=50, ge=1, le=500)) -> Response:
        folder = Path(MailSettings().mail_dir)
        files = sorted(folder.glob("*.eml"), key=lambda p: p.name, reverse=True) if folder.is_dir() else []
        out = []
        for path in files:
            item = _summary(path)
            if to is None or to.lower() in item["to"].lower():
                out.append(item)
                if len(out) >= limit:
                    break
        return Response(encode(out), media_type="application/json", headers={"Cache-Control": "no-store"})

    @get("/mail/{name:str}", summary="One received email as a raw .eml file", sync_to_thread=True)
    def mail_file(self, name: str) -> Response:
        path = Path(MailSettings().mail_dir) / name
        if not _EML.match(name) or not path.is_file():
            raise ApiError(404, "MAIL_NOT_FOUND", f"no email named {name!r} in the demo mailbox", {"name": name})
        return Response(path.read_bytes(), media_type="message/rfc822",
                        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})
