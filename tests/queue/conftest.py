"""The waiting room over HTTP: an API server on the test database, the bootstrap OWNER key, a direct connection."""

import httpx
import psycopg
import pytest

from testing.services import TEST_ADMIN_TOKEN

BOOTSTRAP = {"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"}


@pytest.fixture()
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="module")
def http(api_server, demo_data):
    with httpx.Client(base_url=api_server, timeout=30) as c:
        yield c
