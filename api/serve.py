"""Serve the API: python -m api.serve (127.0.0.1:$PORT, WEB_CONCURRENCY worker processes, default 1)."""

import os

import uvicorn

from .config import Settings


def main() -> None:
    settings = Settings()
    uvicorn.run(
        "api.asgi:app",
        host=os.environ.get("HOST", "127.0.0.1"),
        port=settings.port,
        workers=int(os.environ.get("WEB_CONCURRENCY", "1")),
        access_log=False,  # api.middleware writes one structured line per request instead
        log_level=os.environ.get("LOG_LEVEL", "info"),
        proxy_headers=False,  # client IPs come from the socket unless TRUST_X_FORWARDED_FOR is set
    )


if __name__ == "__main__":
    main()
