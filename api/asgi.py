"""ASGI entry point (uvicorn api.asgi:app). Other layers (realtime) may wrap `app` here."""

from .app import create_app
from .realtime import mount

# Socket.IO (/socket.io/) in front of Litestar; the realtime hub starts and stops with Litestar's lifespan.
app = mount(create_app())
