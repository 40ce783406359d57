"""Every environment variable Marquee reads, typed and validated: the ONLY module that reads the environment.

    settings = load()          # at start-up of each process; a bad value stops it with the variable's name

Field names are the variables' names (DATABASE_URL -> database_url); an empty variable counts as unset.
docs/configuration.md documents each one, and tests/test_structure.py fails when a variable is missing there or
documented with another default.

Engine settings (hold TTL, payment window, ...) are rules of the SQL functions: their defaults and descriptions
are the rows of booking.settings, defined once in sql/functions/02_settings.sql. Here they are only optional
overrides (`engine_overrides()`), which `python -m marquee.migrate` writes into that table.
"""

from __future__ import annotations

import os
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal

from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pydantic import Field, NonNegativeInt, PositiveInt, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/marquee"

# What docs/configuration.md shows as the default where it is not the literal value.
DERIVED = "doc_default"


def with_user(url: str, user: str) -> str:
    """The same database for another role, as a libpq connection string (URL or key=value input).

    No password is carried over: each role's secret comes from its own variable (API_DATABASE_URL, ...)."""
    params = {k: v for k, v in conninfo_to_dict(url).items() if k != "password"}
    params["user"] = user
    return make_conninfo("", **params)


def _derived(text: str) -> dict:
    return {DERIVED: text}


# Engine settings the environment may override: variable -> booking.settings key. Their defaults live in SQL.
ENGINE_KEYS = {
    "HOLD_TTL_SECONDS": "hold_ttl_seconds",
    "MAX_SEATS_PER_HOLD": "max_seats_per_hold",
    "PAYMENT_WINDOW_SECONDS": "payment_window_seconds",
    "PAYMENT_PROCESSING_WINDOW_SECONDS": "payment_processing_window_seconds",
    "CANCEL_CUTOFF_MINUTES": "cancel_cutoff_minutes",
    "REMINDER_MINUTES_BEFORE": "reminder_minutes_before",
    "PII_RETENTION_DAYS": "pii_retention_days",
    "OPERATOR_SESSION_HOURS": "operator_session_hours",
    "LOGIN_FAILURE_WINDOW_MINUTES": "login_failure_window_minutes",
    "LOGIN_MAX_FAILURES_PER_EMAIL": "login_max_failures_per_email",
    "LOGIN_MAX_FAILURES_PER_IP": "login_max_failures_per_ip",
    "WAITLIST_OFFER_MINUTES": "waitlist_offer_minutes",
    "CHECKIN_OPENS_MINUTES": "checkin_opens_minutes",
}

DEV_ADMIN_TOKEN = "dev-admin-token"
PRODUCTION_ADMIN_TOKEN_MIN_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, env_ignore_empty=True, extra="ignore",
                                      validate_default=True)

    # ---- deployment: production refuses the development defaults of secrets (ADMIN_TOKEN)
    marquee_env: Literal["development", "production"] = "development"

    # ---- databases (docs/security.md: one role per kind of process)
    database_url: str = DEFAULT_DATABASE_URL
    api_database_url: str | None = Field(None, json_schema_extra=_derived("DATABASE_URL with user booking_api"))
    worker_database_url: str | None = Field(None, json_schema_extra=_derived("DATABASE_URL with user booking_worker"))
    reports_database_url: str | None = Field(None, json_schema_extra=_derived("DATABASE_URL with user booking_admin"))
    listen_database_url: str | None = Field(None, json_schema_extra=_derived("API_DATABASE_URL"))
    db_pool_max: PositiveInt = 20
    db_prepared_statements: bool = True
    db_pool_timeout_seconds: float = Field(5.0, gt=0)
    hold_batch_max: int = Field(32, ge=0, le=256)
    hold_queue_max: PositiveInt = 1000
    redis_url: str = "redis://127.0.0.1:6379/0"

    # ---- HTTP server
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # where customers reach the site: links in emails (waiting-list offers) start with it
    public_url: str = "http://127.0.0.1:8000"
    web_concurrency: PositiveInt = 1
    asgi_server: Literal["uvicorn", "granian"] = "uvicorn"
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = "info"
    # The bootstrap OWNER credential (docs/security.md): migrate stores its SHA-256 as an API key.
    admin_token: str = Field(DEV_ADMIN_TOKEN, repr=False)
    rate_limit_per_minute: NonNegativeInt = 100
    rate_limit_prefix: str = "marquee:rl"
    trust_x_forwarded_for: bool = False
    max_body_bytes: PositiveInt = 65536
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field((), json_schema_extra=_derived("empty"))
    bench_endpoints: bool = False
    # /metrics with several worker processes: prometheus_client's multiprocess mode keeps each worker's samples in
    # files here. Unset: python -m marquee.app.serve uses .data/prometheus/<port> when WEB_CONCURRENCY > 1.
    prometheus_multiproc_dir: str = Field("", json_schema_extra=_derived("empty"))

    # ---- check-in (docs/checkin.md): "keyId:base64url-seed,..." (first = current); unset: a key in the database
    ticket_signing_keys: str = Field("", repr=False)

    # ---- real time (docs/realtime.md)
    realtime_expiry: Literal["on", "off"] = "on"
    expiry_poll_seconds: float = Field(0.5, gt=0)
    realtime_poll_seconds: float = Field(0.02, gt=0)
    seatmap_cache_seconds: float = Field(1.0, ge=0)
    sse_heartbeat_seconds: float = Field(15.0, gt=0)

    # ---- waiting room (docs/waiting-room.md)
    queue_admitter: Literal["on", "off"] = "on"
    queue_admit_seconds: float = Field(1.0, gt=0)
    queue_events_seconds: float = Field(1.0, gt=0)

    # ---- payments (docs/payments.md)
    stripe_api_key: str = "sk_test_marquee_fake_key"  # only the local fake server accepts it
    stripe_webhook_secret: str = "whsec_marquee_dev_secret"
    stripe_api_base: str = "https://api.stripe.com"
    stripe_max_network_retries: NonNegativeInt = 2
    stripe_timeout_seconds: float = Field(20.0, gt=0)
    payments_job_interval_seconds: float = Field(15.0, gt=0)

    # ---- notifications (docs/notifications.md)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(1025, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = Field("", repr=False)
    smtp_starttls: bool = False
    # must stay below the outbox_sending_timeout_seconds setting, or a slow send is taken for a dead worker
    smtp_timeout: float = Field(30.0, gt=0)
    mail_from: str = "Marquee Cinemas <tickets@marquee.example>"
    # Redis key prefix of our Dramatiq queues: several deployments (or test runs) can share one Redis.
    dramatiq_namespace: str = "marquee"
    outbox_poll_seconds: float = Field(0.25, gt=0)
    outbox_batch_size: PositiveInt = 100
    mail_dir: str = Field(str(ROOT / ".data" / "mail"), json_schema_extra=_derived(".data/mail"))
    smtp_sink_host: str = "127.0.0.1"
    smtp_sink_port: int = Field(1025, ge=0, le=65535)

    # ---- reports and privacy (docs/reporting.md)
    reports_refresh_seconds: float = Field(300.0, gt=0)
    pii_retention_check_seconds: float = Field(3600.0, gt=0)

    # ---- engine setting overrides: unset = the default row of booking.settings (sql/functions/02_settings.sql)
    hold_ttl_seconds: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    max_seats_per_hold: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    payment_window_seconds: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    payment_processing_window_seconds: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    cancel_cutoff_minutes: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    reminder_minutes_before: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    pii_retention_days: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    operator_session_hours: PositiveInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    login_failure_window_minutes: PositiveInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    login_max_failures_per_email: PositiveInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    login_max_failures_per_ip: PositiveInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    waitlist_offer_minutes: PositiveInt | None = Field(None, json_schema_extra=_derived("booking.settings"))
    checkin_opens_minutes: NonNegativeInt | None = Field(None, json_schema_extra=_derived("booking.settings"))

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if isinstance(value, str):
            return tuple(o.strip() for o in value.split(",") if o.strip())
        return value

    @field_validator("stripe_api_base")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _derive_role_urls(self) -> "Settings":
        # Each process connects as its own least-privilege role, never as the migrating superuser.
        self.api_database_url = self.api_database_url or with_user(self.database_url, "booking_api")
        self.worker_database_url = self.worker_database_url or with_user(self.database_url, "booking_worker")
        self.reports_database_url = self.reports_database_url or with_user(self.database_url, "booking_admin")
        # The LISTEN hub and the expiry publisher's session lock need a real session, not PgBouncer's (docs/scaling.md)
        self.listen_database_url = self.listen_database_url or self.api_database_url
        return self

    def production_problems(self) -> list[str]:
        """Why these settings must not run in production (empty when they may, or outside production)."""
        if self.marquee_env != "production":
            return []
        problems = []
        if self.admin_token == DEV_ADMIN_TOKEN:
            problems.append("ADMIN_TOKEN: is unset or the development default; set a random secret of at least "
                            f"{PRODUCTION_ADMIN_TOKEN_MIN_LENGTH} characters (e.g. python3 -c 'import secrets; "
                            "print(secrets.token_urlsafe(32))')")
        elif len(self.admin_token) < PRODUCTION_ADMIN_TOKEN_MIN_LENGTH:
            problems.append(f"ADMIN_TOKEN: is {len(self.admin_token)} characters long; production needs at least "
                            f"{PRODUCTION_ADMIN_TOKEN_MIN_LENGTH}")
        return problems

    def refuse_unsafe_production(self) -> None:
        """Stop the process (the API, migrate) when MARQUEE_ENV=production and a secret is unsafe."""
        problems = self.production_problems()
        if problems:
            raise ConfigurationError("configuration error (MARQUEE_ENV=production): " + "; ".join(problems))

    def engine_overrides(self) -> dict[str, int]:
        """booking.settings key -> value for every engine variable that is set."""
        out = {}
        for env, key in ENGINE_KEYS.items():
            value = getattr(self, env.lower())
            if value is not None:
                out[key] = value
        return out

    @property
    def mail_domain(self) -> str:
        """Domain of the sender: the right-hand side of our deterministic Message-IDs."""
        address = parseaddr(self.mail_from)[1]
        return address.rpartition("@")[2] or "marquee.example"


class ConfigurationError(SystemExit):
    """A variable has a value its setting cannot take; the message names the variable."""


def export_metrics_dir(path: str) -> None:
    """Hand PROMETHEUS_MULTIPROC_DIR to the worker processes the server is about to start (prometheus_client reads
    it itself when it is imported)."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path


def load(**overrides) -> Settings:
    """Read and validate the environment now (keyword arguments win over it)."""
    try:
        return Settings(**overrides)
    except ValidationError as err:
        secret = {name for name, f in Settings.model_fields.items() if f.repr is False}
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            + ("" if e["loc"] and e["loc"][0] in secret else f" (got {e.get('input')!r})")  # never echo a secret
            for e in err.errors())
        raise ConfigurationError(f"configuration error: {problems}") from None
