"""The admin page's cookie opens read-only admin pages (reports, CSV) in a browser, and never authorises a change."""

import httpx


def test_cookie_opens_reports_but_cannot_write(api_server, demo_data):
    with httpx.Client(base_url=api_server, timeout=30) as anonymous:
        assert anonymous.get("/admin/reports").status_code == 401
    with httpx.Client(base_url=api_server, timeout=30, cookies={"marquee_admin": "test-admin-token"}) as browser:
        page = browser.get("/admin/reports")
        assert page.status_code == 200 and "<svg" in page.text
        csv = browser.get("/api/admin/reports/daily_bookings.csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        # a forged cross-site POST carrying the cookie changes nothing
        write = browser.post("/api/admin/movies", json={"title": "Forged", "durationMinutes": 90})
        assert write.status_code == 401
    with httpx.Client(base_url=api_server, timeout=30, cookies={"marquee_admin": "wrong"}) as browser:
        assert browser.get("/admin/reports").status_code == 401
