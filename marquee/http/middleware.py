"""Outermost ASGI layer: request id, one structured log line per request, security headers, metrics, HEAD.

It wraps Litestar's own handler (not a route middleware) so unknown routes (404) and 413s are logged too.
HEAD is answered for every GET route (RFC 9110 9.3.2: the GET's status and headers, no body): the request goes to
the app as a GET and the body is dropped here, so HEAD needs no handler and no operation in the OpenAPI document.
A streaming GET (Server-Sent Events) is stopped once its headers are out.
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
]
_NO_DEVICES = (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")
# the door scanner (/checkin, issue 19) reads QR codes with the camera: this origin's camera, nothing else
_CAMERA_PAGES = {"/checkin"}
_CAMERA_SELF = (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()")
# JSON only: the API never renders HTML, so nothing may run. /schema (docs UI) is left to Litestar's page.
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
_HOLD_PATH = "/api/bookings/hold"  # invalidates its own showtime's cached map (marquee/booking/controllers.py)


class _HeadDone(Exception):
    """Raised into the app once a HEAD answer is complete (its headers and an empty body are sent)."""


class RequestMiddleware:
    def __init__(self, app, state=None, allow: dict[str, str] | None = None):
        self.app = app
        self.state = state  # the Litestar app's state (seatmap_cache)
        # route template -> its methods (with HEAD where there is GET), for OPTIONS' Allow: Litestar's own OPTIONS
        # answer lists only the first handler's methods when a path's handlers are registered apart
        self.allow = {k: v.encode() for k, v in (allow or {}).items()}

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
        method = scope.get("method", "")
        head = method == "HEAD"
        head_sent = [False]
        # the server's scope keeps HEAD (so it sends no body); the app sees a GET
        app_scope = {**scope, "method": "GET"} if head else scope

        async def send_wrapper(message):
            if head and message["type"] == "http.response.body":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                head_sent[0] = True
                raise _HeadDone
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                if scope.get("method") not in _READ_METHODS and not (method == "POST" and path == _HOLD_PATH):
                    # Read-your-writes: a client that just held, paid or cancelled through this process must
                    # not be shown a map cached before its change (the NOTIFY may still be on its way). A hold
                    # drops only its own showtime's map, and only when it succeeded (booking controllers): in a
                    # rush most holds are refused, and a refusal changes nothing (issue 16).
                    cache = self.state.get("seatmap_cache") if self.state is not None else None
                    if cache is not None:
                        cache.invalidate(None)
                headers = list(message.get("headers", []))
                if method == "OPTIONS" and message["status"] == 204:
                    allow = self.allow.get(app_scope.get("path_template") or "")
                    if allow is not None:
                        headers = [(k, v) for k, v in headers if k.lower() != b"allow"] + [(b"allow", allow)]
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(_SECURITY_HEADERS)
                headers.append(_CAMERA_SELF if path in _CAMERA_PAGES else _NO_DEVICES)
                if path.startswith("/api/"):
                    headers.append(_API_CSP)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(app_scope, receive, send_wrapper)
        except _HeadDone:
            pass
        except Exception:
            if not (head and head_sent[0]):
                raise
            # the app saw its send fail (the HEAD answer was complete) and raised something of its own
        finally:
            duration_ms = (time.perf_counter() - start) * 1000
            route = app_scope.get("path_template") or "unmatched"
            metrics.observe(method, route, status_holder[0], duration_ms / 1000)
            if log.isEnabledFor(logging.INFO):
                log.info(json.dumps({
                    "event": "request", "method": method, "path": path, "route": route,
                    "status": status_holder[0], "durationMs": round(duration_ms, 2), "requestId": request_id,
                    "client": (scope.get("client") or ("", 0))[0],
                }))
