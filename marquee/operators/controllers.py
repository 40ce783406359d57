"""Login and operator admin over HTTP (issue 18; docs/api.md, docs/security.md):

POST   /api/auth/login            {"email", "password"} -> {"token", "expiresAt", "operator"} + the session cookie
POST   /api/auth/logout           ends the session presented (bearer or cookie) at once
GET    /api/auth/me               who the credential is, its permissions and cinemas
POST   /api/admin/operators       {"email", "name", "password", "role", "cinemaIds": [...] | null} -> 201   (OWNER)
GET    /api/admin/operators                                                                                (OWNER)
PATCH  /api/admin/operators/{id}  any of {"role", "cinemaIds", "active", "password"}                       (OWNER)
POST   /api/admin/api-keys        {"name", "role", "cinemaIds"} -> 201 {"id", "key"} (the key shown once)   (OWNER)
GET    /api/admin/api-keys                                                                                 (OWNER)
DELETE /api/admin/api-keys/{id}   revokes at once                                                          (OWNER)

Passwords are hashed here (argon2id, passwords.py) in a worker thread; the database compares and decides.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from datetime import datetime, timezone
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, patch, post
from msgspec import UNSET
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, one, scalar
from ..http.auth import ADMIN_COOKIE, as_operator, operator_guard
from ..http.errors import ApiError
from ..http.openapi import errors
from ..http.ratelimit import client_ip
from ..http.responses import MarqueeResponse, json_text
from ..http.schemas import to
from . import passwords
from .schemas import (ApiKey, ApiKeyCreated, ApiKeyIn, LoginIn, LoginOut, LogoutOut, Operator, OperatorBrief,
                      OperatorIn, OperatorPatch)

Q = Queries.beside(__file__)


def _inet(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _cookie_response(request: Request, content, token: str | None, max_age: int) -> Response:
    response = MarqueeResponse(content, status_code=200, headers={"Cache-Control": "no-store"})
    # Secure even on http://127.0.0.1 or localhost in development: browsers treat loopback as a secure context
    # and keep Secure cookies there (tests/web/test_login.py checks Chromium does).
    if token is None:
        response.delete_cookie(ADMIN_COOKIE, path="/")
    else:
        response.set_cookie(ADMIN_COOKIE, token, max_age=max_age, path="/", secure=True, httponly=True,
                            samesite="strict")
    return response


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", status_code=200, summary="Log in: a session token (and the admin pages' cookie)",
          responses=errors("INVALID_CREDENTIALS", "TOO_MANY_LOGIN_ATTEMPTS"))
    async def login(self, request: Request, data: LoginIn, pool: AsyncConnectionPool) -> Response[LoginOut]:
        ip = _inet(client_ip(request, request.app.state.settings.trust_x_forwarded_for))
        attempt_id, kdf, delay_ms = await one(pool, Q.login_begin, {"email": data.email, "client_ip": ip})
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)  # slowed after repeated failures (no connection held meanwhile)
        try:
            digest = await asyncio.to_thread(passwords.digest, data.password, kdf)
        except ValueError:
            digest = b""  # parameters we refuse to run: a failed attempt like any other
        ok, token, expires_at, operator = await one(pool, Q.login_finish, {"attempt_id": attempt_id, "digest": digest})
        if not ok:
            raise ApiError("INVALID_CREDENTIALS", "wrong email or password",
                           headers={"WWW-Authenticate": 'Bearer realm="marquee-admin"'})
        max_age = max(1, int((expires_at - datetime.now(timezone.utc)).total_seconds()))
        return _cookie_response(request, LoginOut(token=token, expires_at=expires_at,
                                                  operator=to(OperatorBrief, operator)), token, max_age)

    @post("/logout", status_code=200, guards=[operator_guard], summary="End the session presented (and its cookie)",
          responses=errors("UNAUTHORIZED"))
    async def logout(self, request: Request, pool: AsyncConnectionPool) -> Response[LogoutOut]:
        async with as_operator(request, pool) as db:
            ended = await scalar(db, Q.logout)
        return _cookie_response(request, LogoutOut(logged_out=bool(ended)), None, 0)

    @get("/me", guards=[operator_guard], summary="Who the credential is: operator or key, role, permissions, cinemas",
         responses=errors("UNAUTHORIZED"))
    async def me(self, request: Request, pool: AsyncConnectionPool) -> Response[dict]:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.whoami))


class OperatorsAdminController(Controller):
    path = "/api/admin"
    guards = [operator_guard]
    tags = ["admin", "operators"]
    security = [{"BearerToken": []}]

    @post("/operators", status_code=201, summary="Create an operator (operators.manage: OWNER)",
          responses=errors("CINEMA_NOT_FOUND", "EMAIL_TAKEN"))
    async def create_operator(self, request: Request, data: OperatorIn, pool: AsyncConnectionPool) -> Operator:
        async with as_operator(request, pool) as db:
            await scalar(db, Q.require_operators_manage)  # before spending a hash on an unknown caller
            kdf, digest = await asyncio.to_thread(passwords.hash_new, data.password)
            created = await scalar(db, Q.create_operator, {
                "email": data.email, "name": data.name, "role": data.role, "cinema_ids": data.cinema_ids,
                "kdf": kdf, "digest": digest})
        return to(Operator, created)

    @get("/operators", summary="Every operator (operators.manage: OWNER)")
    async def list_operators(self, request: Request, pool: AsyncConnectionPool) -> Response[list[Operator]]:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.list_operators))

    @patch("/operators/{operator_id:uuid}", summary="Change an operator's role, cinemas, active flag or password "
                                                    "(operators.manage: OWNER); deactivation ends its sessions",
           responses=errors("OPERATOR_NOT_FOUND", "CINEMA_NOT_FOUND", "CONFLICT"))
    async def update_operator(self, request: Request, operator_id: UUID, data: OperatorPatch,
                              pool: AsyncConnectionPool) -> Operator:
        async with as_operator(request, pool) as db:
            await scalar(db, Q.require_operators_manage)
            kdf = digest = None
            if data.password is not UNSET:
                kdf, digest = await asyncio.to_thread(passwords.hash_new, data.password)
            cinemas = None if data.cinema_ids is UNSET else json.dumps(
                None if data.cinema_ids is None else [str(c) for c in data.cinema_ids])
            updated = await scalar(db, Q.update_operator, {
                "operator_id": operator_id, "role": None if data.role is UNSET else data.role, "cinema_ids": cinemas,
                "active": None if data.active is UNSET else data.active, "kdf": kdf, "digest": digest})
        return to(Operator, updated)

    @post("/api-keys", status_code=201, summary="Create an API key; the key is shown once (operators.manage: OWNER)",
          responses=errors("CINEMA_NOT_FOUND"))
    async def create_api_key(self, request: Request, data: ApiKeyIn, pool: AsyncConnectionPool) -> ApiKeyCreated:
        async with as_operator(request, pool) as db:
            key_id, key = await one(db, Q.create_api_key, {"name": data.name, "role": data.role,
                                                           "cinema_ids": data.cinema_ids})
        return ApiKeyCreated(id=key_id, key=key)

    @get("/api-keys", summary="Every API key, live and revoked, without the keys (operators.manage: OWNER)")
    async def list_api_keys(self, request: Request, pool: AsyncConnectionPool) -> Response[list[ApiKey]]:
        async with as_operator(request, pool) as db:
            return json_text(await scalar(db, Q.list_api_keys))

    @delete("/api-keys/{api_key_id:uuid}", status_code=200, summary="Revoke an API key at once (operators.manage: OWNER)",
            responses=errors("API_KEY_NOT_FOUND"))
    async def revoke_api_key(self, request: Request, api_key_id: UUID, pool: AsyncConnectionPool) -> ApiKey:
        async with as_operator(request, pool) as db:
            return to(ApiKey, await scalar(db, Q.revoke_api_key, {"api_key_id": api_key_id}))

