"""Serve the API: python -m marquee.app.serve (HOST:PORT, WEB_CONCURRENCY worker processes, default 1).

ASGI_SERVER picks the server: uvicorn (default) or granian; docs/benchmarks.md compares them.
"""

import shutil
from pathlib import Path

from ..settings import ROOT, export_metrics_dir, load

APP = "marquee.app.asgi:app"


def main() -> None:
    settings = load()  # validated here, before any worker process starts
    settings.refuse_unsafe_production()
    host, workers, log_level = settings.host, settings.web_concurrency, settings.log_level
    metrics_dir = settings.prometheus_multiproc_dir or (
        str(ROOT / ".data" / "prometheus" / str(settings.port)) if workers > 1 else "")
    if metrics_dir:  # prometheus_client's multiprocess mode: a clean directory for this server's workers
        shutil.rmtree(metrics_dir, ignore_errors=True)
        Path(metrics_dir).mkdir(parents=True, exist_ok=True)
        export_metrics_dir(metrics_dir)
    if settings.asgi_server == "granian":
        from granian.constants import Interfaces
        from granian.log import LogLevels
        from granian.server import Server

        Server(APP, address=host, port=settings.port, interface=Interfaces.ASGI, workers=workers,
               log_access=False, log_level=LogLevels(log_level)).serve()
        return
    import uvicorn

    uvicorn.run(
        APP,
        host=host,
        port=settings.port,
        workers=workers,
        access_log=False,  # marquee.http.middleware writes one structured line per request instead
        log_level=log_level,
        proxy_headers=False,  # client IPs come from the socket unless TRUST_X_FORWARDED_FOR is set
        # a worker (WEB_CONCURRENCY > 1) must answer the supervisor's ping within this; uvicorn's 5 s default killed
        # every worker still importing the app on a loaded 2-core machine (load 20: ~25 s of imports), over and over
        timeout_worker_healthcheck=30,  # also how long a hung worker goes unnoticed
    )


if __name__ == "__main__":
    main()
