"""Operator endpoints over HTTP (real API process): parked emails, retrying one, the demo mailbox."""

import smtplib
from email.message import EmailMessage

import httpx
import pytest

from .conftest import book, email, outbox

pytestmark = pytest.mark.timeout(120)
ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture(scope="module")
def api(start_api, sink):
    server = start_api({"MAIL_DIR": str(sink.mail_dir)})
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def park(db, booking_id) -> int:
    """Drive a confirmation to FAILED through the same functions a worker uses."""
    oid = outbox(db, booking_id, "CONFIRMATION")["id"]
    db.execute("UPDATE booking.outbox SET status = 'QUEUED' WHERE id = %s", (oid,))
    db.execute("SELECT * FROM booking.outbox_begin_send(%s)", (oid,))
    assert db.execute("SELECT booking.outbox_mark_failed(%s, '550 5.1.1 no such mailbox', true)",
                      (oid,)).fetchone()[0] == "FAILED"
    return oid


def test_failed_messages_and_retry(api, db, movie_and_cinema):
    assert api.get("/api/admin/outbox/failed").status_code == 401
    b = book(db, movie_and_cinema, email())
    oid = park(db, b["id"])

    r = api.get("/api/admin/outbox/failed", headers=ADMIN)
    assert r.status_code == 200
    [item] = [m for m in r.json() if m["id"] == oid]
    assert item["kind"] == "CONFIRMATION" and item["bookingReference"] == b["reference"]
    assert item["attempts"] == 1 and "550" in item["lastError"] and item["email"] == b["email"]

    r = api.post(f"/api/admin/outbox/{oid}/retry", headers={**ADMIN, "X-Operator": "dana"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "PENDING" and r.json()["id"] == oid
    assert oid not in [m["id"] for m in api.get("/api/admin/outbox/failed", headers=ADMIN).json()]
    assert db.execute("SELECT actor FROM booking.audit_log WHERE action = 'outbox.retry' AND entity_id = %s",
                      (str(oid),)).fetchone()[0] == "api-key:ADMIN_TOKEN (bootstrap)"  # not X-Operator

    again = api.post(f"/api/admin/outbox/{oid}/retry", headers=ADMIN)
    assert again.status_code == 409 and again.json()["error"]["code"] == "OUTBOX_NOT_FAILED"
    missing = api.post("/api/admin/outbox/987654321/retry", headers=ADMIN)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "OUTBOX_MESSAGE_NOT_FOUND"


def test_demo_mailbox(api, sink):
    to = email()
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "tickets@marquee.test", to, "Hello from the sink test"
    msg["Message-ID"] = "<sink-test@marquee.test>"
    msg.set_content("plain body")
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as smtp:
        smtp.send_message(msg)

    assert api.get("/api/admin/mail").status_code == 401
    r = api.get("/api/admin/mail", params={"to": to}, headers=ADMIN)
    assert r.status_code == 200
    [item] = r.json()
    assert item["subject"] == "Hello from the sink test" and item["messageId"] == "<sink-test@marquee.test>"
    assert item["text"].strip() == "plain body"
    raw = api.get(f"/api/admin/mail/{item['name']}", headers=ADMIN)
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("message/rfc822")
    assert b"Hello from the sink test" in raw.content
    bad = api.get("/api/admin/mail/..%2F..%2Fetc%2Fpasswd", headers=ADMIN)
    assert bad.status_code == 404 and bad.json()["error"]["code"] in ("MAIL_NOT_FOUND", "NOT_FOUND")
