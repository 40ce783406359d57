"""The fault scenarios of chaos/ in small sizes: each one's pass/fail verdict, with its problems listed on failure."""

import pytest

from chaos import kill_api, outages


async def test_kill9_api_under_confirm_and_payment_load(db_url, stripe_env, tmp_path):
    # keys cut off by the crash are taken over at once: their claiming database session died with the process
    result = await kill_api.run(db_url, stripe_env, buyers=60, kills=2, concurrency=12, fast_forward=False,
                                timeout=100, log_dir=tmp_path)
    print(f"\n[kill -9] {result}")
    assert result["passed"], result["problems"]
    assert result["confirmed"] == 60 and result["seats_sold"] == 120
    assert result["client_retries"] > 0, "the kills never hit a request: the scenario proved nothing"


@pytest.mark.timeout(120)
async def test_postgres_restart_answers_503_then_recovers_by_itself(tmp_path):
    result = await outages.pg_restart(outage=4.0, clients=4, recover_within=10.0, workdir=tmp_path)
    print(f"\n[pg restart] {result}")
    assert result["passed"], result["problems"]


def test_redis_down_booking_continues_and_mail_waits(db_url, stripe_env, tmp_path):
    result = outages.redis_down(db_url, stripe_env, workdir=tmp_path)
    print(f"\n[redis down] {result}")
    assert result["passed"], result["problems"]
