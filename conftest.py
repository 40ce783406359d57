"""Test harness shared by pytest and the pgTAP files: one fresh, migrated database per test run.

MARQUEE_TEST_DB names it (default marquee_test), so parallel runs on one server do not collide.
"""

import os

import psycopg
import pytest

from marquee.migrate import migrate
from marquee.settings import ROOT
from testing.services import TEST_ADMIN_TOKEN, recreate_database

BASE_URL = os.environ.get("TEST_DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_DB = os.environ.get("MARQUEE_TEST_DB", "marquee_test")


@pytest.fixture(scope="session")
def db_url() -> str:
    """URL of a freshly created and migrated test database (superuser)."""
    url = recreate_database(BASE_URL, TEST_DB)
    migrate(url, quiet=True, admin_token=TEST_ADMIN_TOKEN)  # the token the test API servers run with
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        conn.execute("CREATE EXTENSION IF NOT EXISTS dblink")
        # The no-lone-empty-seat rule (on in production) would refuse the single seats most tests pick freely;
        # smart-seating tests turn it on per showtime (booking.set_lone_seat_rule) or with SET marquee.lone_seat_rule.
        conn.execute("UPDATE booking.settings SET value = 'off' WHERE key = 'lone_seat_rule'")
        # Every test client logs in from 127.0.0.1: failed logins of one test must not throttle another's address
        # (tests/operators/test_login.py sets low limits on a server of its own).
        conn.execute("UPDATE booking.settings SET value = '1000000' WHERE key = 'login_max_failures_per_ip'")
        conn.execute((ROOT / "sql" / "tests" / "fixtures.sql").read_text())  # the shared pgTAP fixture
    return url


@pytest.fixture(scope="session")
def pgtap_connection(db_url):
    """pytest-pgtap's connection, to the migrated test database; failing to connect fails the run."""
    with psycopg.connect(db_url) as conn:
        yield conn


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # pytest-pgtap skips when it has no database: for us a skipped pgTAP file is a failure.
    outcome = yield
    report = outcome.get_result()
    if report.skipped and type(item).__name__ in {"PgTapItem", "PgTapRuntestsItem"}:
        report.outcome = "failed"
        report.longrepr = f"pgTAP file {item.name} was skipped (no database?): that is a failure here"
