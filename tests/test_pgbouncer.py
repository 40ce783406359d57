"""The HTTP booking flow through PgBouncer (Debian's 1.18) in transaction mode (issue 24, docs/scaling.md).

The API's pool goes through PgBouncer with DB_PREPARED_STATEMENTS=false (1.18 has no protocol-level prepared
statements: one prepared on a server connection is missing on the next), the LISTEN hub and the expiry publisher's
session lock on a direct connection (LISTEN_DATABASE_URL). Every query the API makes runs in transactions PgBouncer
hands to whichever server connection is free, so any session state (a session SET, a session advisory lock, a
prepared statement) would break or leak here: holds, confirms, payments, seat maps and operator calls repeated
more often than psycopg's prepare threshold, on a pool of 2 server connections, must all answer as directly."""

import shutil
import uuid

import httpx
import pytest

from marquee.settings import with_user
from testing.data import make_showtime
from testing.ha import PGBOUNCER, PgBouncer
from testing.services import TEST_ADMIN_TOKEN

pytestmark = [pytest.mark.skipif(shutil.which(PGBOUNCER) is None, reason="pgbouncer is not installed "
                                 "(Debian: pgbouncer; bash scripts/packages.sh ha)"), pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def bouncer():
    b = PgBouncer(pool_size=2).start()
    yield b
    b.stop()


@pytest.fixture(scope="module")
def bounced_api(db_url, bouncer, start_api, stripe_env):
    from psycopg.conninfo import conninfo_to_dict
    dbname = conninfo_to_dict(db_url)["dbname"]
    return start_api({**stripe_env, "API_DATABASE_URL": bouncer.url("booking_api", dbname),
                      "LISTEN_DATABASE_URL": with_user(db_url, "booking_api"), "DB_PREPARED_STATEMENTS": "false",
                      "DB_POOL_MAX": "8", "HOLD_BATCH_MAX": "0"})


def test_booking_flow_through_pgbouncer_transaction_mode(db_url, bouncer, bounced_api):
    showtime, codes = make_showtime(db_url, 2, 10)
    before = {r["database"]: r["total_xact_count"] for r in bouncer.admin("SHOW STATS")}
    with httpx.Client(base_url=bounced_api.url, timeout=20) as client:
        for i in range(8):  # more than psycopg's prepare threshold (5) of every query
            token = uuid.uuid4().hex
            seats = codes[2 * i:2 * i + 2]
            r = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seats,
                                                        "sessionToken": token})
            assert r.status_code == 201, r.text
            hold = r.json()["holdId"]
            r = client.get(f"/api/showtimes/{showtime}/seats")
            assert r.status_code == 200, r.text
            r = client.post("/api/bookings/confirm", headers={"Idempotency-Key": f"c-{token}"}, json={
                "holdId": hold, "sessionToken": token, "userDetails": {"email": "b@example.com", "name": "Bouncer"}})
            assert r.status_code == 201, r.text
            booking = r.json()
            pay = {"bookingId": booking["bookingId"], "paymentIntentId": booking["paymentIntentId"],
                   "paymentMethod": {"type": "card", "token": "tok_visa"}}
            r = client.post("/api/payments/process", headers={"Idempotency-Key": f"p-{token}"}, json=pay)
            assert r.status_code == 200 and r.json()["status"] == "CONFIRMED", r.text
            replay = client.post("/api/payments/process", headers={"Idempotency-Key": f"p-{token}"}, json=pay)
            assert (replay.status_code, replay.json()) == (r.status_code, r.json())
            r = client.get(f"/api/bookings/{booking['bookingReference']}", params={"email": "b@example.com"})
            assert r.status_code == 200 and r.json()["status"] == "CONFIRMED", r.text
            # an operator call: the credential is a transaction-local set_config, never a session SET
            r = client.get(f"/api/admin/showtimes/{showtime}/bookings",
                           headers={"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"})
            assert r.status_code == 200 and len(r.json()) == i + 1, r.text
            # a seat taken is refused as directly (error mapping through PgBouncer)
            r = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": seats,
                                                        "sessionToken": uuid.uuid4().hex})
            assert r.status_code == 409 and r.json()["error"]["code"] == "SEAT_UNAVAILABLE", r.text
    dbname = next(iter(k for k in before if k != "pgbouncer"), None)
    after = {r["database"]: r["total_xact_count"] for r in bouncer.admin("SHOW STATS")}
    pools = [p for p in bouncer.admin("SHOW POOLS") if p["user"] == "booking_api"]
    assert pools and all(p["pool_mode"] == "transaction" for p in pools), pools
    assert pools[0]["sv_active"] + pools[0]["sv_idle"] + pools[0]["sv_used"] <= 2, pools
    served = sum(after.values()) - sum(before.values())
    assert served >= 8 * 6, f"PgBouncer served only {served} transactions: the API did not go through it ({dbname})"
    assert "prepared statement" not in bounced_api.log_text()
