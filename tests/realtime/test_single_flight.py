"""Issue 16: concurrent seat-map misses of one showtime share one database read (single flight), but a reader
who asks after a change has been heard never joins a read that began before it (read-your-writes)."""

import asyncio

from marquee.realtime.seatmap_cache import CachedMap, SeatMapCache


def test_misses_share_one_read_and_a_change_starts_a_new_one():
    async def scenario():
        cache = SeatMapCache(5.0, live=lambda: True)
        reads, gates = [], [asyncio.Event(), asyncio.Event()]

        async def read():
            n = len(reads)
            reads.append(n)
            await gates[n].wait()
            return CachedMap(f"map {n}".encode(), b"", f"etag {n}", 0.0), None

        first = [asyncio.create_task(cache.fill("st", read)) for _ in range(5)]
        await asyncio.sleep(0)
        cache.invalidate("st")  # a change is heard while the first read is in flight
        after = [asyncio.create_task(cache.fill("st", read)) for _ in range(3)]
        await asyncio.sleep(0)
        gates[0].set()
        assert {e.body for e in await asyncio.gather(*first)} == {b"map 0"}
        assert cache.get("st") is None, "a read that raced a change is not stored"
        gates[1].set()
        assert {e.body for e in await asyncio.gather(*after)} == {b"map 1"}
        assert len(reads) == 2 and cache.shared == 4 + 2
        assert cache.get("st").body == b"map 1"
    asyncio.run(scenario())


def test_a_failed_read_lets_the_others_read_on_their_own():
    async def scenario():
        cache = SeatMapCache(5.0, live=lambda: True)
        calls = 0

        async def read():
            nonlocal calls
            calls += 1
            await asyncio.sleep(0.01)
            if calls == 1:
                raise ConnectionError("database gone")
            return CachedMap(b"ok", b"", "e", 0.0), None

        results = await asyncio.gather(*(cache.fill("st", read) for _ in range(4)), return_exceptions=True)
        assert isinstance(results[0], ConnectionError)
        assert [r.body for r in results[1:]] == [b"ok"] * 3 and cache.get("st").body == b"ok"
        assert calls == 2, "after the failed read the others share one new read"
    asyncio.run(scenario())
