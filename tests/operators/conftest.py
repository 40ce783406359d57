"""Operators under test: one of each role for the demo cinema Marquee Downtown ("A"), a manager of Marquee
Riverside ("B", the other cinema), each logged in over HTTP; payments through the fake Stripe server."""

import uuid
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest

from testing.fixtures import fake_stripe, stripe_env  # noqa: F401
from testing.services import TEST_ADMIN_TOKEN

BOOTSTRAP = {"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("operators-mail")
    (folder / "20300101-1.eml").write_bytes(b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nhello\r\n")
    return folder


@pytest.fixture(scope="session")
def api_env(stripe_env, mail_dir):  # noqa: F811
    return {**stripe_env, "MAIL_DIR": str(mail_dir)}


@pytest.fixture()
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="module")
def http(api_server, demo_data):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c


@dataclass
class Op:
    key: str            # OWNER, MANAGER, MANAGER_B, BOX_OFFICE, DOOR, ANALYST
    id: str
    email: str
    token: str
    cinema_ids: list | None

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def create_operator(http: httpx.Client, role: str, cinema_ids, email: str | None = None,
                    password: str = PASSWORD) -> dict:
    email = email or f"{role.lower()}.{uuid.uuid4().hex[:8]}@ops.example"
    r = http.post("/api/admin/operators", headers=BOOTSTRAP, json={
        "email": email, "name": f"Test {role.title()}", "password": password, "role": role, "cinemaIds": cinema_ids})
    assert r.status_code == 201, r.text
    return r.json()


def login(http: httpx.Client, email: str, password: str = PASSWORD) -> str:
    r = http.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["token"]


@dataclass
class Cast:
    cinema_a: str
    cinema_b: str
    ops: dict = field(default_factory=dict)

    def __getitem__(self, key: str) -> Op:
        return self.ops[key]


@pytest.fixture(scope="module")
def cast(http, db_url) -> Cast:
    with psycopg.connect(db_url) as conn:
        a, b = (conn.execute("SELECT id::text FROM booking.cinemas WHERE name = %s", (n,)).fetchone()[0]
                for n in ("Marquee Downtown", "Marquee Riverside"))
    cast = Cast(a, b)
    for key, role, cinemas in [("OWNER", "OWNER", None), ("MANAGER", "MANAGER", [a]), ("MANAGER_B", "MANAGER", [b]),
                               ("BOX_OFFICE", "BOX_OFFICE", [a]), ("DOOR", "DOOR", [a]), ("ANALYST", "ANALYST", [a])]:
        made = create_operator(http, role, cinemas)
        cast.ops[key] = Op(key, made["id"], made["email"], login(http, made["email"]), cinemas)
    return cast


def book(http: httpx.Client, showtime_id: str, seats: list[str], token: str = "tok_visa") -> dict:
    """A paid booking made through the customer API."""
    session = uuid.uuid4().hex
    hold = http.post("/api/bookings/hold", json={"showtimeId": showtime_id, "seatIds": seats, "sessionToken": session})
    assert hold.status_code == 201, hold.text
    conf = http.post("/api/bookings/confirm", json={
        "holdId": hold.json()["holdId"], "userDetails": {"email": f"c{uuid.uuid4().hex[:6]}@example.com",
                                                          "name": "Cus Tomer"}, "paymentMethod": "CARD"})
    assert conf.status_code == 201, conf.text
    c = conf.json()
    pay = http.post("/api/payments/process", json={"bookingId": c["bookingId"], "paymentIntentId": c["paymentIntentId"],
                                                    "paymentMethod": {"type": "card", "token": token}})
    assert pay.status_code == 200, pay.text
    return c
