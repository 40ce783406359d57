"""Admin reports over HTTP, against the real API process and database: charts page and CSV export."""

import csv
import io
import uuid

import httpx
import psycopg
import pytest

ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture(scope="module")
def sold(demo_data):
    """One paid booking at a demo showtime, with reports refreshed; returns (cinema id, booking reference)."""
    with psycopg.connect(demo_data, autocommit=True) as conn:
        conn.execute("SET marquee.publish_seat_changes = 'off'")
        # a cinema of its own: other test modules sell demo seats today too, and the report of a cinema's day
        # must hold exactly this booking
        cinema = conn.execute("SELECT booking.create_cinema(%s, 'Chicago', 'America/Chicago', 'USD')",
                              (f"Reports HTTP {uuid.uuid4().hex[:8]}",)).fetchone()[0]
        layout = '{"rows": [{"label": "D", "seats": [' + ", ".join(f'{{"number": {n}}}' for n in range(1, 13)) + ']}]}'
        auditorium = conn.execute("SELECT booking.create_auditorium(%s, 'Hall', %s::jsonb)", (cinema, layout)).fetchone()[0]
        movie = conn.execute("SELECT booking.create_movie('Reports HTTP Movie', 100)").fetchone()[0]
        showtime = conn.execute("SELECT booking.create_showtime(%s, %s, now() + interval '3 days', '{\"STANDARD\": 12.00}')",
                                (movie, auditorium)).fetchone()[0]
        hold = conn.execute("SELECT hold_id FROM booking.hold(%s, '{seat-d7,seat-d8}', 'rep-http')", (showtime,)).fetchone()[0]
        booking, ref = conn.execute(
            "SELECT booking_id, booking_reference FROM booking.confirm(%s, 'rep.http@example.com', '=cmd|calc', NULL, 'CARD', 'rep-http')",
            (hold,)).fetchone()
        conn.execute("SELECT booking.attach_payment_intent(%s, 'pi_rep_http')", (booking,))
        conn.execute("SELECT booking.record_payment('pi_rep_http', 'succeeded')")
        conn.execute("SELECT booking.cancel(%s, '=HYPERLINK(\"http://evil\")', 0, 'customer')", (booking,))
        conn.execute("SELECT booking_ops.refresh_reports()")
    return cinema, ref


@pytest.fixture()
def http(api_server):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c


def test_reports_need_the_operator_token(http, sold):
    assert http.get("/admin/reports").status_code == 401
    r = http.get("/api/admin/reports/daily_bookings.csv")
    assert r.status_code == 401 and r.json()["error"]["code"] == "UNAUTHORIZED"


def test_page_draws_inline_svg_charts(http, sold):
    cinema, _ = sold
    r = http.get("/admin/reports", params={"cinemaId": str(cinema)}, headers=ADMIN)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.count("<svg") == 2 and "Revenue per day" in page and "Occupancy per showtime" in page
    assert "<script" not in page and "cdn" not in page.lower()  # nothing loaded from elsewhere
    assert "daily_bookings.csv" in page and "rep.http@example.com" not in page


def test_csv_export_exact_money_and_no_formula_injection(http, sold):
    cinema, _ = sold
    r = http.get("/api/admin/reports/daily_bookings.csv", params={"cinemaId": str(cinema)}, headers=ADMIN)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and set(rows[0]) >= {"date", "total_bookings", "total_revenue", "net_revenue"}
    today = [row for row in rows if row["total_bookings"] != "0"][-1]
    assert today["total_revenue"].endswith(".00") and today["cancelled_bookings"] == "1"
    cancellations = http.get("/api/admin/reports/cancellations.csv", params={"cinemaId": str(cinema)}, headers=ADMIN).text
    # the customer's words never reach a report (issue 22): only the category
    assert "hyperlink" not in cancellations.lower() and ",NOT_GIVEN," in cancellations
    assert "\n=" not in cancellations and ",=" not in cancellations


def test_csv_errors_are_clean_4xx(http, sold):
    r = http.get("/api/admin/reports/bookings.csv", headers=ADMIN)
    assert r.status_code == 404 and r.json()["error"]["code"] == "REPORT_NOT_FOUND"
    r = http.get("/api/admin/reports/daily_bookings.json", headers=ADMIN)
    assert r.status_code == 404 and r.json()["error"]["code"] == "REPORT_NOT_FOUND"
    r = http.get("/api/admin/reports/daily_bookings.csv", params={"from": "2030-13-01"}, headers=ADMIN)
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    r = http.get("/api/admin/reports/daily_bookings.csv", params={"from": "2030-02-01", "to": "2030-01-01"}, headers=ADMIN)
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
