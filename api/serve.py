"""Serve the API: python -m api.serve (127.0.0.1:$PORT, WEB_CONCURRENCY worker processes, default 1).

ASGI_SERVER picks the server: uvicorn (default) or granian; docs/benchmarks.md compares them.
"""

import os

from .config import Settings


def main() -> None:
    settings = Settings()
    host = os.environ.get("HOST", "127.0.0.1")
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    log_level = os.environ.get("LOG_LEVEL", "info")
    if os.environ.get("ASGI_SERVER", "uvicorn") == "granian":
        from granian.constants import Interfaces
        from granian.log import LogLevels
        from granian.server import Server

        Server("api.asgi:app", address=host, port=settings.port, interface=Interfaces.ASGI, workers=workers,
               log_access=False, log_level=LogLevels(log_level)).serve()
        return
    import uvicorn

    uvicorn.run(
        "api.asgi:app",
        host=host,
        port=settings.port,
        workers=workers,
        access_log=False,  # api.middleware writes one structured line per request instead
        log_level=log_level,
        proxy_headers=False,  # client IPs come from the socket unless TRUST_X_FORWARDED_FOR is set
    )


if __name__ == "__main__":
    main()
