"""Fixtures for tests that talk to the real API: a server subprocess on a free port against the test database.

Override `api_env` (a dict) in a test package's conftest to give the server extra environment (e.g. the
payment provider's URL); `start_api(...)` starts more servers when a test needs several processes.
"""

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from testing.fixtures import fake_stripe, stripe_env  # noqa: F401 - one fake Stripe for the session
from testing.services import TEST_ADMIN_TOKEN, ApiServer

ROOT = Path(__file__).resolve().parent.parent
DEMO_SQL = ROOT / "sql" / "demo" / "demo.sql"


@pytest.fixture(scope="session")
def api_env() -> dict[str, str]:
    """Extra environment for the API server; override in a conftest closer to your tests."""
    return {}


@pytest.fixture(scope="session")
def start_api(db_url, tmp_path_factory):
    """Factory: start_api(env=..., workers=...) -> a started ApiServer; all are stopped at the end."""
    started: list[ApiServer] = []

    def start(env: dict[str, str] | None = None, workers: int = 1) -> ApiServer:
        base = {"DATABASE_URL": db_url, "RATE_LIMIT_PER_MINUTE": "1000000", "ADMIN_TOKEN": TEST_ADMIN_TOKEN,
                "RATE_LIMIT_PREFIX": f"marquee:rl:test:{uuid.uuid4().hex}"}
        log = tmp_path_factory.mktemp("api") / "api.log"
        api = ApiServer({**base, "WEB_CONCURRENCY": str(workers), **(env or {})}, log)
        started.append(api)
        return api.start(timeout=30)

    yield start
    for api in started:
        api.stop()


@pytest.fixture(scope="session")
def _api_servers() -> dict:
    return {}


# One server per distinct `api_env`: a package's override (e.g. the fake Stripe of tests/payments) must reach the
# server its tests talk to, whatever package ran first; packages with the same environment share one server.
@pytest.fixture(scope="module")
def api_process(start_api, api_env, _api_servers) -> ApiServer:
    key = tuple(sorted(api_env.items()))
    if key not in _api_servers:
        _api_servers[key] = start_api(api_env)
    return _api_servers[key]


@pytest.fixture(scope="module")
def api_server(api_process) -> Iterator[str]:
    """Base URL of the running API (rate limit effectively off; ADMIN_TOKEN=test-admin-token)."""
    yield api_process.url


@pytest.fixture(scope="session")
def demo_data(db_url) -> str:
    """Loads sql/demo/demo.sql into the test database once per session; returns the database URL."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        # other modules create cinemas of their own first; the demo is loaded unless it is there already
        if not conn.execute("SELECT EXISTS (SELECT 1 FROM booking.cinemas WHERE name = 'Marquee Downtown')").fetchone()[0]:
            conn.execute(DEMO_SQL.read_text())
    return db_url
