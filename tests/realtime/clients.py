"""Real clients for the live tests: python-socketio's AsyncClient and a small SSE reader over httpx."""

import asyncio
import json
import time

import httpx
import socketio


class SioWatcher:
    """A Socket.IO client; every event lands in `events` as (name, payload, perf_counter at receipt)."""

    def __init__(self):
        self.client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.events: asyncio.Queue = asyncio.Queue()
        self.watching: set[str] = set()
        for name in ("seats:updated", "resync"):
            self.client.on(name, self._handler(name))
        self.client.on("connect", self._on_connect)

    def _handler(self, name):
        async def handle(data):
            self.events.put_nowait((name, data, time.perf_counter()))
        return handle

    async def _on_connect(self):
        # what a browser page does: (re)join its rooms whenever the socket (re)connects
        for showtime_id in self.watching:
            await self.client.emit("watch:showtime", showtime_id)

    async def connect(self, base_url: str) -> "SioWatcher":
        await self.client.connect(base_url, transports=["websocket"], wait_timeout=20)
        return self

    async def watch(self, showtime_id: str) -> dict:
        self.watching.add(showtime_id)
        return await self.client.call("watch:showtime", showtime_id, timeout=10)

    async def unwatch(self, showtime_id: str) -> dict:
        self.watching.discard(showtime_id)
        return await self.client.call("unwatch:showtime", showtime_id, timeout=10)

    async def next(self, timeout: float = 10.0):
        name, data, _ = await asyncio.wait_for(self.events.get(), timeout)
        return name, data

    async def close(self):
        await self.client.disconnect()


class SseWatcher:
    """Reads text/event-stream; events are (event, data dict, id), comments are counted."""

    def __init__(self, base_url: str, showtime_id: str, last_event_id: str | None = None):
        self.url = f"{base_url}/api/showtimes/{showtime_id}/events"
        self.headers = {"Accept": "text/event-stream"}
        if last_event_id:
            self.headers["Last-Event-ID"] = last_event_id
        self.events: asyncio.Queue = asyncio.Queue()
        self.comments = 0
        self.status: int | None = None
        self.opened = asyncio.Event()
        self.last_id: str | None = None
        self._task: asyncio.Task | None = None

    async def start(self) -> "SseWatcher":
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self.opened.wait(), 20)
        return self

    async def _read(self):
        async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None)) as http:
            async with http.stream("GET", self.url, headers=self.headers) as r:
                self.status = r.status_code
                self.opened.set()
                if r.status_code != 200:
                    self.body = json.loads(await r.aread())
                    return
                event, data, eid = "message", [], None
                async for line in r.aiter_lines():
                    if line == "":
                        if data:
                            if eid is not None:
                                self.last_id = eid
                            self.events.put_nowait((event, json.loads("\n".join(data)), eid, time.perf_counter()))
                        event, data, eid = "message", [], None
                    elif line.startswith(":"):
                        self.comments += 1
                    else:
                        field, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if field == "event":
                            event = value
                        elif field == "data":
                            data.append(value)
                        elif field == "id":
                            eid = value

    async def next(self, timeout: float = 10.0):
        event, data, eid, _ = await asyncio.wait_for(self.events.get(), timeout)
        return event, data, eid

    async def close(self):
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
