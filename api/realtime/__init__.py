"""Real-time seat updates (issue 6): LISTEN seat_changes -> Socket.IO rooms and SSE streams. See docs/realtime.md.

`mount(litestar_app)` starts the hub (and the expiry publisher) with the app and returns the ASGI app to serve:
Socket.IO at /socket.io/ (the client library's default path), everything else to Litestar.
"""

import os

import socketio
from litestar import Litestar

from ..seatmap_cache import SeatMapCache
from .expiry import ExpiryPublisher
from .hub import SeatHub
from .sockets import create_sio
from .sse import showtime_events

__all__ = ["mount", "showtime_events"]


def mount(app: Litestar) -> socketio.ASGIApp:
    settings = app.state.settings
    hub = SeatHub(settings.api_database_url)
    # One expiry publisher per deployment is elected in Postgres; REALTIME_EXPIRY=off leaves it to a
    # separate `python -m api.realtime.expiry` process.
    expiry = ExpiryPublisher(settings.api_database_url, interval=float(os.environ.get("EXPIRY_POLL_SECONDS", "0.5"))) \
        if os.environ.get("REALTIME_EXPIRY", "on") != "off" else None
    sio = create_sio(hub, settings.cors_origins)
    app.state.realtime_hub = hub
    # Warm seat maps from memory, dropped by this hub's notifications (api/seatmap_cache.py).
    cache = SeatMapCache(float(os.environ.get("SEATMAP_CACHE_SECONDS", "1")), live=hub.connected.is_set)
    hub.add_change_listener(cache.invalidate)
    app.state.seatmap_cache = cache
    app.state.realtime_expiry = expiry

    async def start() -> None:
        await hub.start()
        if expiry:
            await expiry.start()

    async def stop() -> None:
        if expiry:
            await expiry.stop()
        await hub.stop()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
    return socketio.ASGIApp(sio, other_asgi_app=app, socketio_path="socket.io")
