"""Ticket codes: what a ticket's QR code carries, signed with Ed25519 (the `cryptography` package).

    code = base64url( 0x01 | len(keyId) | keyId | ticketId (16 bytes) | signature (64 bytes) )   (no padding)

The signature covers b"marquee-ticket:1:" + keyId + ticketId. Ed25519 is deterministic, so a ticket's code is the
same every time it is shown (nothing is stored but the key id on the ticket). About 115 characters: a QR code a
phone screen shows easily. A scanner verifies it with the public key of `keyId` (the manifest lists every key),
without the server.

Keys (docs/checkin.md): TICKET_SIGNING_KEYS="kid:base64url-seed[,kid2:seed2...]" keeps private keys in the
environment (the first is current; keep old ones listed to re-show tickets they signed). Unset, migrate generates a
key into booking.ticket_keys the first time (`python -m marquee.checkin.keys rotate` makes a new current one).
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VERSION = 1
_DOMAIN = b"marquee-ticket:1:"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
MAX_CODE = 200


class InvalidCode(ValueError):
    """Malformed, unknown key or bad signature (the reason is the message)."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def private_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _message(key_id: str, ticket_id: uuid.UUID) -> bytes:
    return _DOMAIN + key_id.encode() + ticket_id.bytes


def sign(key: Ed25519PrivateKey, key_id: str, ticket_id: uuid.UUID | str) -> str:
    tid = ticket_id if isinstance(ticket_id, uuid.UUID) else uuid.UUID(str(ticket_id))
    kid = key_id.encode()
    return b64url(bytes([VERSION, len(kid)]) + kid + tid.bytes + key.sign(_message(key_id, tid)))


@dataclass(frozen=True)
class Parsed:
    key_id: str
    ticket_id: uuid.UUID
    signature: bytes


def parse(code: str) -> Parsed:
    if not isinstance(code, str) or not 0 < len(code.strip()) <= MAX_CODE:
        raise InvalidCode("malformed code")
    text = code.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise InvalidCode("malformed code")
    try:
        raw = unb64url(text)
    except (binascii.Error, ValueError):
        raise InvalidCode("malformed code") from None
    if len(raw) < 2 or raw[0] != VERSION:
        raise InvalidCode("malformed code (unknown version)")
    n = raw[1]
    if len(raw) != 2 + n + 16 + 64:
        raise InvalidCode("malformed code")
    key_id = raw[2:2 + n].decode("ascii", "replace")
    if not _KEY_ID.match(key_id):
        raise InvalidCode("malformed code")
    return Parsed(key_id, uuid.UUID(bytes=raw[2 + n:18 + n]), raw[18 + n:])


def verify(code: str, public_keys: dict[str, bytes]) -> Parsed:
    """The ticket id and key id of a genuine code; InvalidCode otherwise."""
    p = parse(code)
    pub = public_keys.get(p.key_id)
    if pub is None:
        raise InvalidCode(f"unknown signing key {p.key_id}")
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(p.signature, _message(p.key_id, p.ticket_id))
    except InvalidSignature:
        raise InvalidCode("bad signature") from None
    return p


def parse_env_keys(value: str) -> list[tuple[str, Ed25519PrivateKey]]:
    """TICKET_SIGNING_KEYS: "kid:base64url(32-byte seed),..." -> [(kid, key)], the first one current."""
    out = []
    for item in filter(None, (x.strip() for x in (value or "").split(","))):
        kid, sep, seed = item.partition(":")
        if not sep or not _KEY_ID.match(kid):
            raise ValueError("TICKET_SIGNING_KEYS: each key is keyId:base64url-seed (keyId: 1-16 of A-Z a-z 0-9 _ -)")
        try:
            raw = unb64url(seed.strip())
        except (binascii.Error, ValueError):
            raise ValueError(f"TICKET_SIGNING_KEYS: key {kid} is not base64url") from None
        if len(raw) != 32:
            raise ValueError(f"TICKET_SIGNING_KEYS: key {kid} must be 32 bytes (an Ed25519 seed)")
        out.append((kid, Ed25519PrivateKey.from_private_bytes(raw)))
    if len({k for k, _ in out}) != len(out):
        raise ValueError("TICKET_SIGNING_KEYS: a key id is listed twice")
    return out


def new_key() -> tuple[str, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    return "k" + uuid.uuid4().hex[:7], key
