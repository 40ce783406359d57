"""The expiry publisher: exactly one leader per database (a Postgres advisory lock), another takes over when the
leader goes, and the leader announces a timed-out hold. A private lock key keeps the running API's own
publisher out of this election."""

import asyncio
import uuid

from marquee.realtime.expiry import ExpiryPublisher

KEY = 7_300_171  # private to this test: no process of the product uses it (the queue admitter holds 7_300_072)


async def wait_for(predicate, timeout=15.0):  # generous: a loaded 2-core machine
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_one_leader_takeover_and_publishing(db_url, db, showtime, listener):
    a = ExpiryPublisher(db_url, interval=0.1, retry=0.2, lock_key=KEY)
    b = ExpiryPublisher(db_url, interval=0.1, retry=0.2, lock_key=KEY)
    await a.start()
    await b.start()
    try:
        await wait_for(lambda: a.is_leader or b.is_leader)
        await asyncio.sleep(0.5)
        assert [a.is_leader, b.is_leader].count(True) == 1
        leader, follower = (a, b) if a.is_leader else (b, a)

        await leader.stop()  # its connection closes, the lock with it
        await wait_for(lambda: follower.is_leader)

        db.execute("SELECT booking.hold(%s, %s, %s, 1)", (showtime, ["seat-g1"], uuid.uuid4().hex))
        # the 1 s hold expires, then the next poll announces it (other expiries may be counted first)
        events = await asyncio.to_thread(listener.take, showtime, 5.0)
        assert follower.published >= 1
        assert ("AVAILABLE", ["seat-g1"]) in [(e["status"], e["seatIds"]) for e in events]
    finally:
        await a.stop()
        await b.stop()
