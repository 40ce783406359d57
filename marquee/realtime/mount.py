"""`mount(litestar_app)` starts the hub (and the expiry publisher) with the app and returns the ASGI app to serve:
Socket.IO at /socket.io/ (the client library's default path), everything else to Litestar.
"""

import socketio
from litestar import Litestar

from .expiry import ExpiryPublisher
from .hub import SeatHub
from .seatmap_cache import SeatMapCache
from .sockets import create_sio


def mount(app: Litestar) -> socketio.ASGIApp:
    settings = app.state.settings
    hub = SeatHub(settings.listen_database_url)
    # One expiry publisher per deployment is elected in Postgres; REALTIME_EXPIRY=off leaves it to a
    # separate `python -m marquee.realtime.expiry` process.
    expiry = ExpiryPublisher(settings.listen_database_url, interval=settings.expiry_poll_seconds,
                             change_interval=settings.realtime_poll_seconds) \
        if settings.realtime_expiry != "off" else None
    sio = create_sio(hub, settings.cors_origins)
    app.state.realtime_hub = hub
    # Warm seat maps from memory, dropped by this hub's notifications (seatmap_cache.py).
    cache = SeatMapCache(settings.seatmap_cache_seconds, live=hub.connected.is_set)
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
