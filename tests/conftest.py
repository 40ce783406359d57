"""Fixtures for tests that talk to the real API: a uvicorn subprocess on a free port against the test database.

Override `api_env` (a dict) in a test package's conftest to give the server extra environment (e.g. the
payment provider's URL); `start_api(...)` starts more servers when a test needs several processes.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.fakes.fixtures import fake_stripe, stripe_env  # noqa: F401 - one fake Stripe for the session

ROOT = Path(__file__).resolve().parent.parent
DEMO_SQL = ROOT / "sql" / "demo" / "demo.sql"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class ApiProcess:
    def __init__(self, env: dict[str, str], workers: int = 1, log_path: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers), "PYTHONUNBUFFERED": "1",
                    **env}
        self.log_path = log_path
        self._log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen([sys.executable, "-m", "api.serve"], cwd=ROOT, env=full_env,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"API exited with {self.proc.returncode}; log: {self.log_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/health/live", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"API did not start in {timeout}s; log: {self.log_text()[-3000:]}")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if hasattr(self._log, "close"):
            self._log.close()


@pytest.fixture(scope="session")
def api_env() -> dict[str, str]:
    """Extra environment for the API server; override in a conftest closer to your tests."""
    return {}


@pytest.fixture(scope="session")
def start_api(db_url, tmp_path_factory):
    """Factory: start_api(env=..., workers=...) -> a started ApiProcess; all are stopped at the end."""
    started: list[ApiProcess] = []

    def start(env: dict[str, str] | None = None, workers: int = 1) -> ApiProcess:
        base = {"DATABASE_URL": db_url, "RATE_LIMIT_PER_MINUTE": "1000000", "ADMIN_TOKEN": "test-admin-token",
                "RATE_LIMIT_PREFIX": f"marquee:rl:test:{uuid.uuid4().hex}"}
        log = tmp_path_factory.mktemp("api") / "api.log"
        api = ApiProcess({**base, **(env or {})}, workers=workers, log_path=log)
        started.append(api)
        api.wait_ready()
        return api

    yield start
    for api in started:
        api.stop()


@pytest.fixture(scope="session")
def _api_servers() -> dict:
    return {}


# One server per distinct `api_env`: a package's override (e.g. the fake Stripe of tests/payments) must reach the
# server its tests talk to, whatever package ran first; packages with the same environment share one server.
@pytest.fixture(scope="module")
def api_process(start_api, api_env, _api_servers) -> ApiProcess:
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
