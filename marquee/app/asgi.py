"""ASGI entry point (uvicorn marquee.app.asgi:app): Socket.IO (/socket.io/) in front of Litestar.

The realtime hub starts and stops with Litestar's lifespan."""

from ..realtime.mount import mount
from .factory import create_app

app = mount(create_app())
