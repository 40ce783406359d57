"""Fairness with many joiners over HTTP (issue 20): concurrent joins before the opening each get one entry; the draw
is a permutation of 1..N (no one lost, no one twice); FCFS after; admission order equals position order."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from .conftest import BOOTSTRAP
from .test_queue_api import showtime  # noqa: F401 - the fixture

N = 300


def test_many_joiners_are_drawn_fairly_and_admitted_in_order(http, db, showtime):  # noqa: F811
    opens = datetime.now(timezone.utc) + timedelta(hours=1)
    assert http.put(f"/api/admin/showtimes/{showtime}/on-sale", headers=BOOTSTRAP, json={
        "opensAt": opens.isoformat(), "admitPerMinute": 1}).status_code == 200
    db.execute("UPDATE booking.on_sales SET paused = true WHERE showtime_id = %s", (showtime,))
    tokens = [f"fair-{i}-{uuid.uuid4().hex[:6]}" for i in range(N)]
    started = time.perf_counter()
    with ThreadPoolExecutor(16) as pool:
        # every token joins twice, concurrently: still one entry each
        answers = list(pool.map(lambda t: http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": t}),
                                tokens + tokens))
    elapsed = time.perf_counter() - started
    print(f"\n{2 * N} joins in {elapsed:.2f} s: {2 * N / elapsed:.0f} joins/s")
    assert {a.status_code for a in answers} == {201}
    ids = {a.json()["queueId"] for a in answers}
    assert len(ids) == N
    by_token = {}
    for t, a in zip(tokens + tokens, answers):
        by_token.setdefault(t, set()).add(a.json()["queueId"])
    assert all(len(v) == 1 for v in by_token.values())

    db.execute("UPDATE booking.on_sales SET opens_at = now() - interval '1 second' WHERE showtime_id = %s", (showtime,))
    late = [http.post(f"/api/showtimes/{showtime}/queue", json={"sessionToken": f"late-{i}-{uuid.uuid4().hex[:6]}"}).json()
            for i in range(3)]
    positions = db.execute("SELECT position FROM booking.queue_entries WHERE showtime_id = %s ORDER BY position",
                           (showtime,)).fetchall()
    drawn = [p for (p,) in positions[:N]]
    assert drawn == list(range(1, N + 1)), "the draw is a permutation of 1..N"
    join_order = [p for (p,) in db.execute(
        "SELECT position FROM booking.queue_entries WHERE showtime_id = %s AND position <= %s ORDER BY join_seq",
        (showtime, N)).fetchall()]
    assert join_order != sorted(join_order), "the draw is not the join order"
    assert [e["position"] for e in late] == [N + 1, N + 2, N + 3], "FCFS after the opening"

    admitted = []
    for _ in range(5):
        db.execute("SELECT booking_ops.queue_admit(%s, 7)", (showtime,))
        admitted += [p for (p,) in db.execute(
            "SELECT position FROM booking.queue_entries WHERE showtime_id = %s AND status = 'ADMITTED' "
            "AND NOT (position = ANY (%s)) ORDER BY admitted_at, position", (showtime, admitted)).fetchall()]
    assert admitted == list(range(1, 36)), "admission order equals position order"
