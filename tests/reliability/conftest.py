"""Reliability tests: fault scenarios of chaos/ in small sizes, property tests of the SQL functions, abuse,
and the streaming-replica path. Real Postgres (private clusters where the server is stopped), real Redis
(a private redis-server where it is killed), the real API in subprocesses, the fake Stripe server."""

import psycopg
import pytest



@pytest.fixture(scope="session")
def api_env(stripe_env):  # overrides tests/conftest.py: the API talks to the fake Stripe
    return dict(stripe_env)


@pytest.fixture(scope="session")
def db(db_url):
    with psycopg.connect(db_url, autocommit=True) as conn:
        yield conn
