"""Issue 22: a cancellation's reasonCategory (from a list) is what reports see; the free text stays with operators."""

import psycopg

from .conftest import ADMIN


def _paid_booking(client, showtime, seat: str, token: str) -> dict:
    hold = client.post("/api/bookings/hold", json={"showtimeId": showtime, "seatIds": [seat], "sessionToken": token})
    assert hold.status_code == 201, hold.text
    booking = client.post("/api/bookings/confirm", json={
        "holdId": hold.json()["holdId"], "userDetails": {"email": f"{token}@example.com", "name": "Mary Major"},
        "paymentMethod": "CARD"}).json()
    assert client.post("/api/payments/process", json={
        "bookingId": booking["bookingId"], "paymentIntentId": booking["paymentIntentId"],
        "paymentMethod": {"type": "card", "token": "tok_visa"}}).status_code == 200
    return booking


def test_the_lists_forms_offer(client):
    r = client.get("/api/cancellation-reasons")
    assert r.status_code == 200
    customer = [c["code"] for c in r.json()]
    assert customer[0] == "NOT_GIVEN" and "ILLNESS" in customer and "TECHNICAL_FAULT" not in customer
    assert set(r.json()[0]) == {"code", "label", "description"}
    operator = [c["code"] for c in client.get("/api/cancellation-reasons", params={"for": "operator"}).json()]
    assert set(customer) < set(operator) and "TECHNICAL_FAULT" in operator
    bad = client.get("/api/cancellation-reasons", params={"for": "everyone"})
    assert bad.status_code in (400, 422) and bad.json()["error"]["code"] == "VALIDATION_ERROR"


def test_unknown_or_operator_only_category_is_a_validation_error(client, showtime, db_url):
    booking = _paid_booking(client, showtime, "seat-c5", "reason-bad")
    path = f"/api/bookings/{booking['bookingId']}/cancel"
    for category in ("BORED", "TECHNICAL_FAULT", "illness"):
        r = client.post(path, json={"reason": "x", "reasonCategory": category})
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "VALIDATION_ERROR" and error["details"]["field"] == "reasonCategory"
        assert "ILLNESS" in error["details"]["allowed"]
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT status::text FROM booking.bookings WHERE id = %s",
                            (booking["bookingId"],)).fetchone()[0] == "CONFIRMED"


def test_customer_and_operator_categories_are_stored(client, showtime, db_url):
    mine = _paid_booking(client, showtime, "seat-c7", "reason-cust")
    r = client.post(f"/api/bookings/{mine['bookingId']}/cancel",
                    json={"reason": "Mary Major, call +44 20 7946 0111", "reasonCategory": "ILLNESS"})
    assert r.status_code == 200, r.text
    theirs = _paid_booking(client, showtime, "seat-c9", "reason-ops")
    r = client.post(f"/api/admin/bookings/{theirs['bookingId']}/cancel", headers=ADMIN,
                    json={"reason": "projector broke", "reasonCategory": "TECHNICAL_FAULT"})
    assert r.status_code == 200, r.text
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT id::text, cancel_reason_category, cancel_reason FROM booking.bookings "
                            "WHERE id = ANY(%s::uuid[])", ([mine["bookingId"], theirs["bookingId"]],)).fetchall()
    got = {bid: (cat, text) for bid, cat, text in rows}
    assert got[mine["bookingId"]] == ("ILLNESS", "Mary Major, call +44 20 7946 0111")
    assert got[theirs["bookingId"]] == ("TECHNICAL_FAULT", "projector broke")


def test_openapi_documents_the_field(client):
    spec = client.get("/schema/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "reasonCategory" in schemas["CancelRequest"]["properties"]
    assert "/api/cancellation-reasons" in spec["paths"]


def test_reporting_doc_lists_exactly_the_categories(db_url):
    import re
    from pathlib import Path
    doc = (Path(__file__).parents[2] / "docs" / "reporting.md").read_text()
    block = doc.split("<!-- cancel-reason-categories:start -->")[1].split("<!-- cancel-reason-categories:end -->")[0]
    documented = [(m[0], m[1] != "operator", m[2]) for m in re.findall(r"^\| `(\w+)` \| ([^|]+?) \| ([^|]+?) \|", block, re.M)]
    with psycopg.connect(db_url) as conn:
        table = [(c, who == "anyone", label) for c, who, label in conn.execute(
            "SELECT code, chosen_by, label FROM booking.cancel_reason_categories ORDER BY sort_order")]
    assert documented == table


def test_openapi_lists_exactly_the_table(client, db_url):
    from marquee.booking.schemas import CUSTOMER_REASON_CATEGORIES, OPERATOR_REASON_CATEGORIES
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT code, chosen_by FROM booking.cancel_reason_categories ORDER BY sort_order").fetchall()
    assert list(OPERATOR_REASON_CATEGORIES) == [c for c, _ in rows]
    assert list(CUSTOMER_REASON_CATEGORIES) == [c for c, who in rows if who == "anyone"]
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]

    def enum(prop):
        return prop.get("enum") or next(x["enum"] for x in prop.get("anyOf", prop.get("oneOf", [])) if "enum" in x)
    assert enum(schemas["CancelRequest"]["properties"]["reasonCategory"]) == list(CUSTOMER_REASON_CATEGORIES)
    assert enum(schemas["AdminCancelIn"]["properties"]["reasonCategory"]) == list(OPERATOR_REASON_CATEGORIES)
