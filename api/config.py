"""Settings from the environment, with the documented defaults (docs/configuration.md)."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/marquee"

# Environment variable -> (booking.settings key, documented default). Every migrate writes all of them, so a
# deployment's settings are exactly its environment (an unset variable means the default, never a stale value).
ENGINE_SETTINGS = {
    "HOLD_TTL_SECONDS": ("hold_ttl_seconds", "300"),
    "MAX_SEATS_PER_HOLD": ("max_seats_per_hold", "10"),
    "PAYMENT_WINDOW_SECONDS": ("payment_window_seconds", "600"),
    "CANCEL_CUTOFF_MINUTES": ("cancel_cutoff_minutes", "120"),
    "REMINDER_MINUTES_BEFORE": ("reminder_minutes_before", "180"),
    "PII_RETENTION_DAYS": ("pii_retention_days", "730"),
}


def _with_user(url: str, user: str) -> str:
    """The same database for another role, as a libpq connection string (URL or key=value input).

    No password is carried over: each role's secret comes from its own environment variable (API_DATABASE_URL)."""
    params = {k: v for k, v in conninfo_to_dict(url).items() if k != "password"}
    params["user"] = user
    return make_conninfo("", **params)


def _api_database_url() -> str:
    # The API connects as booking_api (EXECUTE on the API's functions only), never as the migrating superuser.
    explicit = os.environ.get("API_DATABASE_URL")
    if explicit:
        return explicit
    return _with_user(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), "booking_api")


def _worker_database_url() -> str:
    # Workers (outbox relay, mail, payment jobs) run as booking_worker: the API's function rights, no table access.
    explicit = os.environ.get("WORKER_DATABASE_URL")
    if explicit:
        return explicit
    return _with_user(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), "booking_worker")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    api_database_url: str = field(default_factory=_api_database_url)
    worker_database_url: str = field(default_factory=_worker_database_url)
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    port: int = field(default_factory=lambda: _int("PORT", 8000))
    db_pool_max: int = field(default_factory=lambda: _int("DB_POOL_MAX", 20))
    admin_token: str = field(default_factory=lambda: os.environ.get("ADMIN_TOKEN", "dev-admin-token"))
    rate_limit_per_minute: int = field(default_factory=lambda: _int("RATE_LIMIT_PER_MINUTE", 100))
    max_body_bytes: int = field(default_factory=lambda: _int("MAX_BODY_BYTES", 65536))
    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(o for o in os.environ.get("CORS_ORIGINS", "").split(",") if o)
    )


def engine_settings_from_env() -> dict[str, str]:
    """booking.settings rows from the environment, the documented default where a variable is unset."""
    out = {}
    for env, (key, default) in ENGINE_SETTINGS.items():
        value = os.environ.get(env) or default
        if not value.isdigit():
            raise SystemExit(f"{env} must be a whole number, got {value!r}")
        out[key] = value
    return out
