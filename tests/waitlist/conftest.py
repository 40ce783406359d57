import pytest

from testing.fixtures import stripe_env  # noqa: F401 - the session's fake Stripe


@pytest.fixture(scope="session")
def api_env(stripe_env):  # noqa: F811 - overrides tests/conftest.py: confirming an offer talks to the fake
    return dict(stripe_env)
