"""Outermost ASGI layer: request id, one structured log line per request, security headers, metrics.

It wraps Litestar's own handler (not a route middleware) so unknown routes (404) and 413s are logged too.
"""

import json
import logging
import re
import time
import uuid

from . import metrics

log = logging.getLogger("marquee.access")

_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# JSON only: the API never renders HTML, so nothing may run. /schema (docs UI) is left to Litestar's page.
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


_READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class RequestMiddleware:
    def __init__(self, app, state=None):
        self.app = app
        self.state = state  # the Litestar app's state (seatmap_cache)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        incoming = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        # A client-supplied id is kept (so logs join up across services) only if it is short and plain.
        request_id = incoming if incoming and _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status_holder = [500]
        path = scope.get("path", "")

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                if scope.get("method") not in _READ_METHODS:
                    # Read-your-writes: a client that just held, paid or cancelled through this process must
                    # not be shown a map cached before its change (the NOTIFY may still be on its way).
                    cache = self.state.get("seatmap_cache") if self.state is not None else None
                    if cache is not None:
                        cache.invalidate(None)
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(_SECURITY_HEADERS)
                if path.startswith("/api/"):
                    headers.append(_API_CSP)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            duration_ms = (time.perf_counter() - start) * 1000
            route = scope.get("path_template") or "unmatched"
            metrics.observe(scope.get("method", ""), route, status_holder[0], duration_ms / 1000)
            if log.isEnabledFor(logging.INFO):
                log.info(json.dumps({
                    "event": "request", "method": scope.get("method"), "path": path, "route": route,
                    "status": status_holder[0], "durationMs": round(duration_ms, 2), "requestId": request_id,
                    "client": (scope.get("client") or ("", 0))[0],
                }))
