"""Operator authentication: a bearer token from the environment (ADMIN_TOKEN, dev default dev-admin-token)."""

import hmac
from urllib.parse import unquote

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from .errors import ApiError


# The admin page sets this cookie (SameSite=Strict) so that report pages and CSV downloads open in the browser.
# It is honoured for reads only: a forged cross-site form can never change anything with it.
ADMIN_COOKIE = "marquee_admin"
_SAFE_METHODS = {"GET", "HEAD"}


def admin_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    expected = connection.app.state.settings.admin_token
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" and connection.scope.get("method") in _SAFE_METHODS:
        scheme, token = "bearer", unquote(connection.cookies.get(ADMIN_COOKIE, ""))
    # compare_digest: the time taken must not reveal how much of the token matched.
    if scheme.lower() != "bearer" or not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(401, "UNAUTHORIZED", "an operator bearer token is required",
                       headers={"WWW-Authenticate": 'Bearer realm="marquee-admin"'})


def admin_actor(connection: ASGIConnection) -> str:
    """Who the audit trail names for an operator action (X-Operator header, else 'admin')."""
    name = connection.headers.get("x-operator", "").strip()
    return name[:100] if name else "admin"
