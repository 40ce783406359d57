"""Check-in at the door (issue 19; docs/checkin.md): signed tickets, scans, offline scanners.

The keyring below is the API's side of the ticket codes: it signs (deterministic Ed25519, codes.py) with the
private keys of TICKET_SIGNING_KEYS or of the database (booking.ticket_signing_keys()), and verifies with the
public keys the database lists (booking.ticket_public_keys()). Everything else is SQL (sql/functions/90_checkin.sql).
"""

from __future__ import annotations

import asyncio
import json
import time

from ..db import Queries, all_rows, scalar
from . import codes

Q = Queries.beside(__file__)
_REFRESH_SECONDS = 5.0  # an unknown key id re-reads the keys at most this often


class Keyring:
    def __init__(self, env_value: str = ""):
        self._env = dict(codes.parse_env_keys(env_value))
        self._private: dict = dict(self._env)
        self._public: dict[str, bytes] = {}
        self._loaded = 0.0
        self._lock = asyncio.Lock()

    async def _load(self, pool, force: bool = False) -> None:
        if self._loaded and not (force and time.monotonic() - self._loaded > _REFRESH_SECONDS):
            return
        async with self._lock:
            if self._loaded and not (force and time.monotonic() - self._loaded > _REFRESH_SECONDS):
                return
            keys = await scalar(pool, Q.public_keys)
            self._public = {k["keyId"]: codes.unb64url(k["publicKey"]) for k in keys}
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
            for kid, raw, _current in await all_rows(pool, Q.signing_keys):
                self._private.setdefault(kid, Ed25519PrivateKey.from_private_bytes(bytes(raw)))
            self._loaded = time.monotonic()

    async def public_keys(self, pool) -> dict[str, bytes]:
        await self._load(pool)
        return self._public

    async def code(self, pool, key_id: str, ticket_id) -> str | None:
        await self._load(pool)
        if key_id not in self._private:
            await self._load(pool, force=True)
        key = self._private.get(key_id)
        return codes.sign(key, key_id, ticket_id) if key is not None else None

    async def verify(self, pool, code: str) -> codes.Parsed:
        await self._load(pool)
        try:
            return codes.verify(code, self._public)
        except codes.InvalidCode:
            parsed = codes.parse(code)  # malformed: no reload
            if parsed.key_id in self._public:
                raise
            await self._load(pool, force=True)
            return codes.verify(code, self._public)

    async def with_codes(self, pool, tickets: list[dict]) -> list[dict]:
        """Tickets as the API lists them: the code added, the key id dropped (it is inside the code)."""
        out = []
        for t in tickets:
            t = dict(t)
            t["code"] = await self.code(pool, t.pop("keyId"), t["ticketId"])
            out.append({k: t[k] for k in ("ticketId", "seatId", "rowLabel", "seatNumber", "code", "status")})
        return out


def keyring(app) -> Keyring:
    ring = getattr(app.state, "ticket_keyring", None)
    if ring is None:
        ring = app.state.ticket_keyring = Keyring(app.state.settings.ticket_signing_keys)
    return ring


def codes_sync(conn, env_value: str, tickets: list[dict] | None) -> list[dict]:
    """The same listing as Keyring.with_codes for a synchronous connection (the mail worker): the private keys of
    TICKET_SIGNING_KEYS and of the database, each code signed (deterministic, so the email shows the codes the
    page and the API show)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    private = dict(codes.parse_env_keys(env_value))
    if tickets:
        from psycopg.rows import tuple_row
        for kid, raw, _current in conn.cursor(row_factory=tuple_row).execute(Q.signing_keys).fetchall():
            private.setdefault(kid, Ed25519PrivateKey.from_private_bytes(bytes(raw)))
    out = []
    for t in tickets or []:
        key = private.get(t["keyId"])
        code = codes.sign(key, t["keyId"], t["ticketId"]) if key is not None else None
        out.append({"ticketId": t["ticketId"], "seatId": t["seatId"], "rowLabel": t["rowLabel"],
                    "seatNumber": t["seatNumber"], "code": code, "status": t["status"]})
    return out


async def with_tickets(app, pool, booking_text: str, tickets: list[dict] | None) -> str:
    """A booking's JSON text (as the database wrote it: money keeps its digits) with "tickets" and their codes."""
    listed = await keyring(app).with_codes(pool, tickets or [])
    return booking_text[:-1].rstrip() + ', "tickets": ' + json.dumps(listed) + "}"
