"""Issue 20's measurements, small, so their correctness checks are assertions in `make test` (bench/queue_join.py
runs the big ones): ~200 buyers join over HTTP in two waves around the opening, each gets its own entry and a
distinct position, the draw is a permutation, first come first served after, admission order equals position order;
and bench/rush.py's rush through the waiting room sells every seat once, only to admitted buyers."""

import asyncio
import json

import pytest

from bench.queue_join import joiners, queue_rush


@pytest.fixture(scope="module")
def bench_api(start_api, stripe_env):
    return start_api({**stripe_env, "STRIPE_MAX_NETWORK_RETRIES": "0", "QUEUE_ADMIT_SECONDS": "0.5"})


def test_200_joiners_get_distinct_positions_a_fair_draw_and_fifo_after_the_opening(bench_api, db_url):
    result = asyncio.run(joiners(db_url, bench_api, buyers=200, concurrency=40, rows=3, admit_batch=50))
    print(f"\n[queue_join] {json.dumps({k: result[k] for k in ('joins_per_s', 'join_ms_p50', 'join_ms_p99', 'early_joiners', 'late_joiners', 'load_generator_cpu_s', 'api_cpu_s')})}")
    assert result["problems"] == [] and result["passed"]
    assert result["entries"] == 200
    assert result["distinct_positions"] and result["permutation_ok"] and result["fifo_after_open_ok"]
    assert result["early_joiners"] >= 100 and result["late_joiners"] > 0, "both waves: drawn and first come"


def test_a_small_rush_through_the_waiting_room_sells_every_seat_once_to_admitted_buyers(bench_api, db_url):
    result = asyncio.run(queue_rush(db_url, bench_api, buyers=100, rows=2, concurrency=30, opens_in=1.0,
                                    poll=0.3, timeout=120))
    print(f"\n[queue_rush] {json.dumps({k: result[k] for k in ('sold_out_after_open_s', 'admitted', 'told_sold_out', 'admitted_hold_ms_p99', 'statuses')})}")
    assert result["problems"] == [] and result["passed"]
    assert result["seats_sold"] == result["seats"] == 40 and result["doubles"] == 0
    assert result["admitted"] + result["told_sold_out"] == 100
    assert set(result["statuses"]) <= {"200", "201", "409", "429", "503"}, "no 403: every hold was admitted"
