"""pytest fixtures for the fake Stripe server. Import them into a conftest:

    from testing.fixtures import fake_stripe, stripe_env  # noqa: F401

`fake_stripe` is one server for the session (the API subprocess is started once with its URL); use
per-intent helpers (charges_for, refunds_for, events_for) rather than global counts.
"""

import os

import pytest

from marquee.payments.gateway import reset_gateway

from .stripe import DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, FakeStripe


@pytest.fixture(scope="session")
def fake_stripe():
    fake = FakeStripe(api_key=DEFAULT_API_KEY, webhook_secret=DEFAULT_WEBHOOK_SECRET)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def stripe_env(fake_stripe) -> dict[str, str]:
    """Environment pointing the SDK at the fake, applied to this process too (workers and refunds run here)."""
    env = {"STRIPE_API_BASE": fake_stripe.url, "STRIPE_API_KEY": DEFAULT_API_KEY,
           "STRIPE_WEBHOOK_SECRET": DEFAULT_WEBHOOK_SECRET}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    reset_gateway()
    yield env
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    reset_gateway()
