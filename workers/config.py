"""Notification settings from the environment (documented in docs/notifications.md)."""

import os
from dataclasses import dataclass, field
from email.utils import parseaddr

from api.config import ROOT, Settings


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class MailSettings:
    database_url: str = field(default_factory=lambda: Settings().worker_database_url)
    redis_url: str = field(default_factory=lambda: Settings().redis_url)
    # Redis key prefix of our Dramatiq queues: several deployments (or test runs) can share one Redis.
    dramatiq_namespace: str = field(default_factory=lambda: _env("DRAMATIQ_NAMESPACE", "marquee"))
    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", "127.0.0.1"))
    smtp_port: int = field(default_factory=lambda: int(_env("SMTP_PORT", "1025")))
    smtp_user: str = field(default_factory=lambda: _env("SMTP_USER", ""))
    smtp_password: str = field(default_factory=lambda: _env("SMTP_PASSWORD", ""), repr=False)
    smtp_starttls: bool = field(default_factory=lambda: _bool("SMTP_STARTTLS", False))
    # must stay below the outbox_sending_timeout_seconds setting, or a slow send is taken for a dead worker
    smtp_timeout: float = field(default_factory=lambda: float(_env("SMTP_TIMEOUT", "30")))
    mail_from: str = field(default_factory=lambda: _env("MAIL_FROM", "Marquee Cinemas <tickets@marquee.example>"))
    poll_seconds: float = field(default_factory=lambda: float(_env("OUTBOX_POLL_SECONDS", "5")))
    batch_size: int = field(default_factory=lambda: int(_env("OUTBOX_BATCH_SIZE", "100")))
    mail_dir: str = field(default_factory=lambda: _env("MAIL_DIR", str(ROOT / ".data" / "mail")))
    sink_host: str = field(default_factory=lambda: _env("SMTP_SINK_HOST", "127.0.0.1"))
    sink_port: int = field(default_factory=lambda: int(_env("SMTP_SINK_PORT", "1025")))

    @property
    def mail_domain(self) -> str:
        """Domain of the sender: the right-hand side of our deterministic Message-IDs."""
        address = parseaddr(self.mail_from)[1]
        return address.rpartition("@")[2] or "marquee.example"
