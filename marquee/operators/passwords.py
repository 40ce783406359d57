"""Password hashing for operators: argon2id (argon2-cffi), computed here, compared in the database.

The database keeps, per operator, the argon2id parameters with the salt in PHC form (`password_kdf`,
"$argon2id$v=19$m=19456,t=2,p=1$<salt>") and SHA-256 of the digest (`password_hash`). At login the API asks the
database for the parameters (booking.login_begin: the same kind of parameters for an email nobody has), hashes the
typed password with them here and hands the digest to booking.login_finish, which compares its SHA-256. So the
password never reaches the database, the digest is never stored, and the stored value cannot be replayed.

Parameters: OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane), about 20-40 ms on this machine.
"""

from __future__ import annotations

import base64
import os
import re

from argon2.low_level import Type, hash_secret_raw

TIME_COST = 2
MEMORY_COST_KIB = 19456
PARALLELISM = 1
DIGEST_BYTES = 32
SALT_BYTES = 16
MIN_LENGTH, MAX_LENGTH = 10, 200

_PHC = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)$")
# what we accept from the database: never let a stored value make a login cost minutes or gigabytes
_MAX_MEMORY_KIB, _MAX_TIME, _MAX_LANES = 1 << 20, 10, 16


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def new_kdf() -> str:
    """Fresh parameters with a random salt, for a new password."""
    return f"$argon2id$v=19$m={MEMORY_COST_KIB},t={TIME_COST},p={PARALLELISM}${_b64(os.urandom(SALT_BYTES))}"


def digest(password: str, kdf: str) -> bytes:
    """The argon2id digest of a password under the given parameters and salt (32 bytes)."""
    match = _PHC.match(kdf or "")
    if not match:
        raise ValueError("not argon2id parameters in PHC form")
    memory, time_cost, lanes, salt = int(match[1]), int(match[2]), int(match[3]), match[4]
    if not (8 <= memory <= _MAX_MEMORY_KIB and 1 <= time_cost <= _MAX_TIME and 1 <= lanes <= _MAX_LANES):
        raise ValueError("argon2id parameters out of range")
    salt_bytes = base64.b64decode(salt + "=" * (-len(salt) % 4))
    return hash_secret_raw(password.encode(), salt_bytes, time_cost=time_cost, memory_cost=memory,
                           parallelism=lanes, hash_len=DIGEST_BYTES, type=Type.ID, version=19)


def hash_new(password: str) -> tuple[str, bytes]:
    """(parameters with a new salt, digest) for storing a new password."""
    kdf = new_kdf()
    return kdf, digest(password, kdf)
