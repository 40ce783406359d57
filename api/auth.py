"""Operator authentication: a bearer token from the environment (ADMIN_TOKEN, dev default dev-admin-token)."""

import hmac

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from .errors import ApiError


def admin_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    expected = connection.app.state.settings.admin_token
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    # compare_digest: the time taken must not reveal how much of the token matched.
    if scheme.lower() != "bearer" or not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(401, "UNAUTHORIZED", "an operator bearer token is required",
                       headers={"WWW-Authenticate": 'Bearer realm="marquee-admin"'})


def admin_actor(connection: ASGIConnection) -> str:
    """Who the audit trail names for an operator action (X-Operator header, else 'admin')."""
    name = connection.headers.get("x-operator", "").strip()
    return name[:100] if name else "admin"
