"""Request and response bodies of login and operator admin (camelCase on the wire)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import UNSET, Meta, UnsetType

from ..http.schemas import NO_NUL, Camel, Email, Name
from .passwords import MAX_LENGTH, MIN_LENGTH

Role = Literal["OWNER", "MANAGER", "BOX_OFFICE", "DOOR", "ANALYST"]
Password = Annotated[str, Meta(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]
CinemaIds = Annotated[list[UUID], Meta(min_length=1, max_length=1000)]


class LoginIn(Camel):
    email: Annotated[str, Meta(min_length=3, max_length=254, pattern=NO_NUL)]  # any text: a wrong one is a 401
    password: Annotated[str, Meta(min_length=1, max_length=MAX_LENGTH)]


class OperatorBrief(Camel):
    id: UUID
    email: str
    name: str
    role: Role
    cinema_ids: list[UUID] | None


class LoginOut(Camel):
    token: str
    expires_at: datetime
    operator: OperatorBrief


class LogoutOut(Camel):
    logged_out: bool


class OperatorIn(Camel):
    email: Email
    name: Name
    password: Password
    role: Role
    cinema_ids: CinemaIds | None = None  # null: every cinema


class OperatorPatch(Camel):
    role: Role | UnsetType = UNSET
    cinema_ids: CinemaIds | None | UnsetType = UNSET  # null: every cinema; absent: unchanged
    active: bool | UnsetType = UNSET
    password: Password | UnsetType = UNSET


class Operator(Camel):
    id: UUID
    email: str
    name: str
    role: Role
    cinema_ids: list[UUID] | None
    active: bool
    created_at: datetime
    updated_at: datetime


class ApiKeyIn(Camel):
    name: Name
    role: Role
    cinema_ids: CinemaIds | None = None


class ApiKeyCreated(Camel):
    id: UUID
    key: str


class ApiKey(Camel):
    id: UUID
    name: str
    role: Role
    cinema_ids: list[UUID] | None
    key_prefix: str
    bootstrap: bool
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
