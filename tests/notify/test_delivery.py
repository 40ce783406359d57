"""End to end with a real Redis, a real relay and Dramatiq worker process and an aiosmtpd sink."""

import io
import time
from datetime import timedelta
from decimal import Decimal
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import psycopg
import pytest
import zxingcpp
from PIL import Image

from marquee.checkin.codes import unb64url, verify

from marquee.notify.broker import make_broker
from marquee.settings import Settings as MailSettings
from marquee.notify.relay import relay_once

from .conftest import book, email, outbox, wait_until

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def stack(make_stack):
    return make_stack().start()


def body(msg, kind: str) -> str:
    return msg.get_body((kind,)).get_content()


def test_confirmation_arrives_with_content_qr_and_ics(stack, sink, db, movie_and_cinema):
    to = email()
    b = book(db, movie_and_cinema, to)
    started = time.monotonic()
    [msg] = sink.wait_for(to, timeout=20)
    assert time.monotonic() - started < 10, "the relay wakes on NOTIFY: no long polling delay"

    assert parseaddr(str(msg["To"]))[1] == to and "Ann Example" in str(msg["To"])
    assert parseaddr(str(msg["From"]))[1] == "tickets@marquee.test"
    assert msg["Subject"] == f"Your tickets for The Outbox Affair - booking {b['reference']}"
    assert msg["Message-ID"] == f"<confirmation.{b['id']}@marquee.test>"
    local = b["starts_at"].astimezone(ZoneInfo("America/New_York"))
    local_text = f"{local:%A} {local.day} {local:%B %Y, %H:%M} (America/New_York)"
    text, html = body(msg, "plain"), body(msg, "html")
    for part in (text, html):
        assert b["reference"] in part
        assert "The Outbox Affair" in part
        assert "Notify Picturehouse" in part
        assert local_text in part
        assert "A1, A2" in part
        assert "$24.80" in part  # 2 x 12.40, exact

    # QR codes: one inline PNG per ticket, referenced by the HTML part, carrying the ticket's signed code
    pngs = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    tickets = db.execute("SELECT booking.booking_tickets(%s)", (b["id"],)).fetchone()[0]
    assert len(pngs) == len(tickets) == 2
    keys = {k["keyId"]: unb64url(k["publicKey"])
            for k in db.execute("SELECT booking.ticket_public_keys()").fetchone()[0]}
    decoded = {}
    for png in pngs:
        assert png.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'cid:{png["Content-ID"].strip("<>")}' in html
        [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
        decoded[str(verify(found.text, keys).ticket_id)] = found.text  # a genuine code: its signature verifies
        assert found.text in text  # the plain text lists each code too
    assert set(decoded) == {t["ticketId"] for t in tickets}
    assert {p.get_filename() for p in pngs} == {f"ticket-{b['reference']}-A1.png", f"ticket-{b['reference']}-A2.png"}
    # the calendar attachment
    [cal] = [a for a in msg.iter_attachments() if a.get_content_type() == "text/calendar"]
    assert cal.get_filename() == f"{b['reference']}.ics"
    ics = cal.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and f"UID:{b['reference']}@marquee.test" in ics
    assert f"DTSTART:{b['starts_at'].strftime('%Y%m%dT%H%M%SZ')}" in ics
    assert f"DTEND:{(b['starts_at'] + timedelta(minutes=100)).strftime('%Y%m%dT%H%M%SZ')}" in ics

    wait_until(lambda: outbox(db, b["id"], "CONFIRMATION")["status"] == "SENT", 10, "row marked SENT")
    time.sleep(1)
    assert len(sink.mails(to)) == 1


def test_cancellation_and_refund_mails(stack, sink, db, movie_and_cinema):
    to = email()
    b = book(db, movie_and_cinema, to)
    sink.wait_for(to)
    refund_id = db.execute("SELECT refund_id FROM booking.cancel(%s, 'plans changed', 10.00)", (b["id"],)).fetchone()[0]
    cancel = next(m for m in sink.wait_for(to, 2) if m["X-Marquee-Kind"] == "CANCELLATION")
    assert cancel["Subject"] == f"Booking {b['reference']} cancelled"
    assert "plans changed" in body(cancel, "plain") and "$10.00" in body(cancel, "plain")
    assert cancel["Message-ID"] == f"<cancellation.{b['id']}@marquee.test>"
    assert outbox(db, b["id"], "REMINDER")["status"] == "SKIPPED"

    db.execute("SELECT * FROM booking.record_refund(%s, true, 're_test_1')", (refund_id,))
    refund = next(m for m in sink.wait_for(to, 3) if m["X-Marquee-Kind"] == "REFUND")
    assert refund["Subject"] == f"Refund of $10.00 processed - booking {b['reference']}"
    assert "We have refunded $10.00" in body(refund, "plain")
    assert refund["Message-ID"] == f"<refund.{refund_id}@marquee.test>"
    # recording the provider's answer again is idempotent: no second refund mail
    db.execute("SELECT * FROM booking.record_refund(%s, true, 're_test_1')", (refund_id,))
    time.sleep(1.5)
    assert [m["X-Marquee-Kind"] for m in sink.mails(to)].count("REFUND") == 1


def relay_at(db_url: str, stack, at) -> int:
    """One relay pass in a session whose clock (booking.clock) reads `at`."""
    settings = MailSettings(redis_url=stack.redis_url, dramatiq_namespace=stack.namespace)
    with psycopg.connect(db_url, autocommit=True, row_factory=psycopg.rows.dict_row) as conn:
        conn.execute("SELECT set_config('marquee.now', %s, false)", (at.isoformat(),))
        return relay_once(conn, make_broker(settings))


def test_reminder_sent_when_due_not_before(stack, sink, db, db_url, movie_and_cinema):
    to = email()
    b = book(db, movie_and_cinema, to, starts_in=timedelta(hours=5))
    sink.wait_for(to)  # the confirmation
    reminder = outbox(db, b["id"], "REMINDER")
    assert reminder["due_at"] == b["starts_at"] - timedelta(hours=3)

    relay_at(db_url, stack, reminder["due_at"] - timedelta(minutes=1))
    assert outbox(db, b["id"], "REMINDER")["status"] == "PENDING", "not due yet: left in the outbox"

    relay_at(db_url, stack, reminder["due_at"] + timedelta(seconds=1))
    msgs = sink.wait_for(to, 2)
    [rem] = [m for m in msgs if m["X-Marquee-Kind"] == "REMINDER"]
    assert rem["Subject"] == f"Reminder: The Outbox Affair starts soon - booking {b['reference']}"
    assert "A1, A2" in body(rem, "plain")
    wait_until(lambda: outbox(db, b["id"], "REMINDER")["status"] == "SENT", 10, "reminder SENT")


def test_no_reminder_for_cancelled_or_late_bookings(stack, sink, db, db_url, movie_and_cinema):
    cancelled_to, late_to = email(), email()
    cancelled = book(db, movie_and_cinema, cancelled_to, starts_in=timedelta(hours=6))
    late = book(db, movie_and_cinema, late_to, starts_in=timedelta(hours=2, minutes=30))
    sink.wait_for(cancelled_to)
    sink.wait_for(late_to)
    db.execute("SELECT * FROM booking.cancel(%s, 'cannot make it')", (cancelled["id"],))
    assert outbox(db, late["id"], "REMINDER") is None, "booked less than 3 hours before: no reminder"

    relay_at(db_url, stack, cancelled["starts_at"] - timedelta(minutes=30))  # past both reminder times
    time.sleep(2)
    assert [m["X-Marquee-Kind"] for m in sink.mails(cancelled_to)] == ["CONFIRMATION", "CANCELLATION"]
    assert [m["X-Marquee-Kind"] for m in sink.mails(late_to)] == ["CONFIRMATION"]
    assert outbox(db, cancelled["id"], "REMINDER")["status"] == "SKIPPED"


def test_smtp_failing_retries_with_backoff_then_parks(stack, sink, db, movie_and_cinema):
    to = email("+tempfail")
    b = book(db, movie_and_cinema, to)
    wait_until(lambda: outbox(db, b["id"], "CONFIRMATION")["status"] == "FAILED", 40, "parked FAILED")
    tries = sink.attempts[to]
    assert len(tries) == 3, "outbox_max_attempts = 3 in this rig"
    gaps = [b - a for a, b in zip(tries, tries[1:])]
    assert 1.8 <= gaps[0] < 4.5 and 3.8 <= gaps[1] < 7.5, f"exponential backoff 2 s, 4 s: {gaps}"
    row = outbox(db, b["id"], "CONFIRMATION")
    assert row["attempts"] == 3 and "451" in row["last_error"]
    failed = db.execute("SELECT booking_reference, customer_email FROM booking.failed_messages WHERE id = %s",
                        (row["id"],)).fetchone()
    assert failed == (b["reference"], to)
    assert sink.mails(to) == []


def test_permanent_refusal_parks_without_retrying(stack, sink, db, movie_and_cinema):
    to = email("+reject")
    b = book(db, movie_and_cinema, to)
    wait_until(lambda: outbox(db, b["id"], "CONFIRMATION")["status"] == "FAILED", 20, "parked FAILED")
    assert len(sink.attempts[to]) == 1
    assert "550" in outbox(db, b["id"], "CONFIRMATION")["last_error"]


def test_parked_message_can_be_retried(stack, sink, db, movie_and_cinema):
    to = email("+reject")
    b = book(db, movie_and_cinema, to)
    wait_until(lambda: outbox(db, b["id"], "CONFIRMATION")["status"] == "FAILED", 20, "parked FAILED")
    # the operator fixed the address; retrying sends the same message again
    db.execute("UPDATE booking.bookings SET customer_email = replace(customer_email, '+reject', '') WHERE id = %s",
               (b["id"],))
    oid = outbox(db, b["id"], "CONFIRMATION")["id"]
    db.execute("SELECT * FROM booking.outbox_retry(%s, 'ops')", (oid,))
    [msg] = sink.wait_for(to.replace("+reject", ""), timeout=20)
    assert msg["Message-ID"] == f"<confirmation.{b['id']}@marquee.test>"
    assert Decimal(str(db.execute("SELECT final_amount FROM booking.bookings WHERE id = %s",
                                  (b["id"],)).fetchone()[0])) == Decimal("24.80")
