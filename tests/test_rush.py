"""Issue 16: a small premiere rush through the real API (group commit, the loser path, the hub), with its
correctness checks as assertions: no seat sold twice, every buyer told success holds exactly its seats and nobody
else does, no false refusal (each SEAT_UNAVAILABLE named a seat the seat status history shows claimed between the
request and its answer), and every answer 2xx / 409 / 429 / 503 with Retry-After. bench/rush.py runs the big ones."""

import asyncio
import json
import time

import psycopg

from bench.rush import check, rush
from testing.data import make_showtime


def test_a_small_rush_sells_every_seat_once_and_refuses_only_claimed_seats(start_api, db_url, stripe_env):
    api = start_api({**stripe_env, "STRIPE_MAX_NETWORK_RETRIES": "0"})
    result = asyncio.run(rush(db_url, api, buyers=160, rows=3, concurrency=40))
    print(f"\n[rush] {json.dumps({k: result[k] for k in ('sold_out_after_s', 'refused_holds', 'refusals_checked', 'statuses', 'load_generator_cpu_s', 'api_cpu_s')})}")
    assert result["problems"] == [] and result["passed"]
    assert result["seats_sold"] == result["seats"] == 60
    assert result["refusals_checked"] > 0, "a rush with no refusal checks nothing"
    assert set(result["statuses"]) <= {"200", "201", "409", "429", "503"}


def test_the_checker_catches_a_false_refusal_a_double_sale_and_a_bad_answer(db_url):
    showtime, codes = make_showtime(db_url, 1, 4)
    with psycopg.connect(db_url, autocommit=True) as conn:
        held = conn.execute("SELECT hold_id FROM booking.hold(%s, %s, 'checker')", (showtime, codes[:2])).fetchone()[0]
    now = time.time()
    stats = {"successes": [], "bad_answers": ["POST /api/bookings/hold -> 500"], "no_answer": [],
             "refusals": [{"i": 0, "seats": [codes[0]], "sent": now - 1, "answered": now + 1},   # claimed: true
                          {"i": 1, "seats": [codes[3]], "sent": now - 1, "answered": now + 1}]}  # free: false
    problems = check(db_url, showtime, codes, stats)
    assert any("false refusal" in p and codes[3] in p for p in problems)
    assert not any("false refusal" in p and codes[0] in p for p in problems)
    assert any("bad answer" in p for p in problems)
    assert any("sold 0 of 4" in p for p in problems) and held
