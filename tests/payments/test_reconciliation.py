"""booking.payment_discrepancies and `python -m marquee.payments.jobs --reconcile`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_discrepancies_are_listed_and_the_command_reports_them(flow, fake_stripe, db, demo_data):
    b = flow.booking()
    assert flow.pay(b).status_code == 200
    assert flow.discrepancies(b["bookingId"]) == []
    # the ledger is damaged behind the engine's back: money recorded twice, status no longer matching
    db.execute("""INSERT INTO booking.payments (showtime_id, booking_id, payment_intent_id, amount, currency, status)
                  SELECT showtime_id, id, 'pi_manual_' || id, final_amount, currency, 'succeeded' FROM booking.bookings
                   WHERE id = %s""", (b["bookingId"],))
    try:
        problems = set(flow.discrepancies(b["bookingId"]))
        assert {"CHARGED_TWICE", "CONFIRMED_NOT_PAID"} <= problems
        out = subprocess.run([sys.executable, "-m", "marquee.payments.jobs", "--reconcile"], cwd=ROOT, timeout=60,
                             env={**os.environ, "DATABASE_URL": demo_data}, capture_output=True, text=True)
        assert out.returncode == 1, out.stderr
        assert b["bookingReference"] in out.stdout and "CHARGED_TWICE" in out.stdout
    finally:
        db.execute("DELETE FROM booking.payments WHERE payment_intent_id = %s", (f"pi_manual_{b['bookingId']}",))
    assert flow.discrepancies(b["bookingId"]) == []


def test_webhook_for_an_unknown_booking_is_reported(flow, fake_stripe, db):
    event = fake_stripe.make_event("payment_intent.succeeded", {
        "id": "pi_orphan_1", "object": "payment_intent", "amount_received": 1000, "currency": "usd",
        "metadata": {"booking_id": "00000000-0000-0000-0000-000000000000"}})
    code, body = flow.webhook(fake_stripe, event)
    assert code == 200 and body["outcome"] == "ERROR"  # acknowledged (no retry storm) but listed for an operator
    rows = db.execute("SELECT problem FROM booking.payment_discrepancies WHERE event_id = %s",
                      (event["id"],)).fetchall()
    assert rows == [("WEBHOOK_ERROR",)]
