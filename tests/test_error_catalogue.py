"""Python raises by code only: every code it raises is a row of booking.error_codes, and the status is the row's."""

import re
from pathlib import Path

import psycopg
import pytest

from marquee.http import errors
from marquee.payments.gateway import PaymentRejected

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def catalogue(db_url):
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(errors.Q.error_codes).fetchall()
    saved = dict(vars(errors.CATALOGUE))
    errors.CATALOGUE.fill(rows)
    yield errors.CATALOGUE
    vars(errors.CATALOGUE).update(saved)


def test_every_code_python_raises_is_catalogued(catalogue):
    raised = set()
    for path in (ROOT / "marquee").rglob("*.py"):
        raised |= set(re.findall(r"ApiError\(\s*\"([A-Z_]+)\"", path.read_text()))
        raised |= set(re.findall(r"super\(\)\.__init__\(\s*\"([A-Z_]+)\"", path.read_text()))
    assert raised and raised - set(catalogue.by_code) == set()


def test_status_comes_from_the_catalogue(catalogue):
    status, code, _message, details, _headers = errors.describe(PaymentRejected("amount_too_small", "too small"))
    assert (status, code, details) == (catalogue.by_code["PAYMENT_REJECTED"].http_status, "PAYMENT_REJECTED",
                                       {"providerCode": "amount_too_small"})
    assert errors.describe(errors.ApiError("RATE_LIMITED", "slow down"))[0] == 429
    assert errors.describe(errors.ApiError("NO_SUCH_CODE", "?"))[:2] == (500, "INTERNAL_ERROR")


def _violation(db_url, sql: str) -> psycopg.Error:
    with psycopg.connect(db_url) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(sql)
        conn.rollback()
    return caught.value


@pytest.mark.parametrize("sql, status, code, details", [
    # a unique constraint with a code of its own (constraint_names)
    ("INSERT INTO booking.cinemas (name, time_zone) SELECT name, time_zone FROM booking.cinemas LIMIT 1",
     409, "NAME_TAKEN", {"constraint": "cinemas_name_key", "table": "cinemas", "field": "name"}),
    # any other unique constraint
    ("INSERT INTO booking.error_codes (sqlstate, code, http_status, description) VALUES ('XX999', 'CONFLICT', 409, '')",
     409, "CONFLICT", {"constraint": "error_codes_code_key", "table": "error_codes", "field": "code"}),
    ("INSERT INTO booking.auditoriums (cinema_id, name) VALUES (gen_random_uuid(), 'x')",
     409, "CONFLICT", {"constraint": "auditoriums_cinema_id_fkey", "table": "auditoriums"}),
    ("INSERT INTO booking.cinemas (name, time_zone, currency) VALUES ('x-check', 'UTC', 'usd')",
     422, "VALIDATION_ERROR", {"constraint": "cinemas_currency_check", "table": "cinemas", "field": "currency"}),
    ("INSERT INTO booking.cinemas (name, time_zone) VALUES (NULL, 'UTC')",
     422, "VALIDATION_ERROR", {"table": "cinemas", "field": "name"}),
    ("SELECT 'not-a-uuid'::uuid", 422, "VALIDATION_ERROR", None),
    ("SELECT 2147483647::int + 1", 422, "VALIDATION_ERROR", None),
])
def test_constraint_violations_are_client_errors(catalogue, db_url, demo_db, sql, status, code, details):
    got_status, got_code, message, got_details, _ = errors.describe(_violation(db_url, sql))
    assert (got_status, got_code) == (status, code), message
    if details is not None:
        assert got_details == details
    assert "Key (" not in message  # Postgres' text (other rows' values) is not passed on


@pytest.fixture()
def demo_db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        if not conn.execute("SELECT EXISTS (SELECT 1 FROM booking.cinemas)").fetchone()[0]:
            conn.execute("SELECT booking.create_cinema('Catalogue Test Cinema', 'X', 'UTC')")


def test_errors_doc_lists_every_code_of_the_catalogue(db_url):
    """docs/errors.md's catalogue holds exactly the codes of booking.error_codes (issue 22: it had lost four)."""
    doc = (ROOT / "docs" / "errors.md").read_text()
    documented = re.findall(r"^\| `[0-9A-Z]{5}` \| `([A-Z_]+)` \|", doc, re.M)
    with psycopg.connect(db_url) as conn:
        codes = [c for (c,) in conn.execute("SELECT code FROM booking.error_codes ORDER BY sqlstate")]
    assert documented == codes
