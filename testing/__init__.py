"""Test support shared by tests/, chaos/ and bench/, imported one way (`from testing.services import ...`):

    services.py  a private PostgreSQL cluster or redis-server, API server processes, free ports
    stripe.py    the Stripe-compatible fake server (`python -m testing.stripe`, also what `make run` pays through)
    fixtures.py  pytest fixtures around the fake (fake_stripe, stripe_env)
    data.py      a fresh showtime in a hall of its own, and the invariant checks of checks.sql
"""
