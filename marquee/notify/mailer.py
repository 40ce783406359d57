"""Deliver one outbox message: win the QUEUED -> SENDING step in Postgres, send over SMTP, record the result.

The row's status in Postgres is the only truth: a duplicate delivery (Redis redelivery, relay re-queue) loses the
begin step and sends nothing; a crash after SMTP accepted the email and before mark_sent is the one window where
a second copy can go out, and it carries the same Message-ID.
"""

import logging
import smtplib
import ssl

import psycopg

from ..checkin import codes_sync
from ..db import Queries
from ..settings import Settings
from .render import render

Q = Queries.beside(__file__)

log = logging.getLogger("marquee.mailer")


def smtp_send(settings: Settings, msg) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(msg)


def is_permanent(err: Exception) -> bool:
    """5xx answers (unknown mailbox, rejected sender) will not get better by retrying."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in err.recipients.values())
    return isinstance(err, smtplib.SMTPResponseException) and 500 <= err.smtp_code < 600 \
        and not isinstance(err, smtplib.SMTPServerDisconnected)


def deliver(conn: psycopg.Connection, outbox_id: int, settings: Settings) -> str:
    """Send the email of one outbox row if it is ours to send; returns what happened (for logs and tests)."""
    row = conn.execute(Q.begin_send, {"id": outbox_id}).fetchone()
    if row is None:
        log.info("outbox %s: not QUEUED any more (sent, in flight elsewhere or skipped); nothing to send", outbox_id)
        return "skipped"
    ctx = row["context"]
    if row["kind"] == "CONFIRMATION" and ctx.get("bookingId"):
        # the tickets and their signed codes (the database lists them; the codes are signed here, as the API does).
        # A database error here leaves the row SENDING: outbox_recover_stale re-queues it.
        tickets = conn.execute(Q.booking_tickets, {"booking_id": ctx["bookingId"]}).fetchone()["tickets"]
        ctx = {**ctx, "tickets": codes_sync(conn, settings.ticket_signing_keys, tickets)}
    try:
        msg = render(ctx, settings.mail_from, settings.mail_domain, settings.public_url)
        smtp_send(settings, msg)
    except (smtplib.SMTPException, OSError) as err:
        status = conn.execute(Q.mark_failed, {
            "id": outbox_id, "error": f"{type(err).__name__}: {err}", "permanent": is_permanent(err),
        }).fetchone()["status"]
        log.warning("outbox %s (%s) attempt %s failed: %s -> %s", outbox_id, row["kind"], row["attempt"], err, status)
        return "failed" if status == "FAILED" else "retry"
    except Exception as err:  # a template or data bug: retrying will not fix it, park it for an operator
        conn.execute(Q.mark_failed, {
            "id": outbox_id, "error": f"{type(err).__name__}: {err}", "permanent": True,
        })
        log.exception("outbox %s (%s) could not be rendered; parked FAILED", outbox_id, row["kind"])
        return "failed"
    conn.execute(Q.mark_sent, {"id": outbox_id})
    log.info("outbox %s (%s) sent to %s as %s", outbox_id, row["kind"], msg["To"], msg["Message-ID"])
    return "sent"
