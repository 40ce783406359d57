"""The OpenAPI document (/schema/openapi.json) as the API really answers: every response an operation can give.

A route declares the error codes it can raise, by code only, in Litestar's own `responses` argument:

    @post("/bookings/hold", status_code=201, responses=errors("SHOWTIME_NOT_FOUND", "SEAT_UNAVAILABLE"))

The statuses come from the error catalogue (booking.error_codes) through its checked-in snapshot
error_codes.json (`make schema` writes it; tests/test_structure.py fails when it differs from a fresh migrate), so
the document can be built without a database. What every route of a kind can answer is added here once, never
copied into routes (`common_codes`): 422 VALIDATION_ERROR for any parameter or body, 404 NOT_FOUND for a path
parameter, 413/415 for a body, 401/403 for an operation with `security` or under /api/admin, 429 for a
rate-limited route, 503 for all.

`document(app)` turns Litestar's document into the served one:
  - request and response bodies are msgspec's own JSON Schema of the Structs the API decodes and encodes (the
    validator and the document cannot disagree: lengths, patterns, item constraints, nullable, defaults);
  - every error status lists its codes: the description (code: meaning), one example per code, and
    `x-error-codes`; the body is the one error schema {"error": {"code", "message", "details"}};
  - Litestar's own 400 "ValidationException" response goes: a bad request answers 422 VALIDATION_ERROR here.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import msgspec
import msgspec.inspect
from litestar import Litestar, Request, Response
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.response import ServerSentEvent
from litestar.routes import HTTPRoute

from .schemas import Error

SNAPSHOT = Path(__file__).with_name("error_codes.json")
ERROR_SCHEMA = "Error"
_RATE_LIMITED_GUARD = "rate_limit_guard"


@dataclass(frozen=True)
class CatalogueRow:
    sqlstate: str
    code: str
    http_status: int
    answer_code: str | None
    description: str


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, CatalogueRow]:
    rows = json.loads(path.read_text())
    return {r["code"]: CatalogueRow(r["sqlstate"], r["code"], r["httpStatus"], r.get("answerCode"), r["description"])
            for r in rows}


CODES = load_snapshot()


LINKS = "openapi_links"  # route opt: {name: OpenAPI Link} on the success response (see links())


def links(**named: dict) -> dict[str, dict]:
    """A route's `opt` naming what its success answer leads to, as OpenAPI links (schemathesis' stateful phase
    follows them): links(price={"operationId": "price", "requestBody": {"holdId": "$response.body#/holdId"}})."""
    return {LINKS: named}


@dataclass
class ErrorSpec(ResponseSpec):
    """Litestar's ResponseSpec for one error status, knowing its codes (errors() makes them)."""

    codes: tuple[str, ...] = ()


def errors(*codes: str) -> dict[int, ResponseSpec]:
    """The `responses` of a route that can raise these catalogued codes (grouped by the catalogue's status).

    Only the codes specific to the route: common_codes() adds what every route of its kind answers."""
    by_status: dict[int, list[str]] = {}
    for code in codes:
        row = CODES.get(code)
        if row is None:
            raise KeyError(f"{code} is not in booking.error_codes (marquee/http/error_codes.json: run `make schema`)")
        if row.answer_code:
            raise ValueError(f"{code} answers as {row.answer_code}: declare {row.answer_code}")
        by_status.setdefault(row.http_status, []).append(code)
    return {status: ErrorSpec(data_container=Error, description=_description(found), codes=tuple(found))
            for status, found in sorted(by_status.items())}


def _description(codes: list[str]) -> str:
    return "\n".join(f"- `{c}`: {CODES[c].description}" for c in codes)


def operation_id(route_handler: HTTPRouteHandler, http_method: str, path_components: list) -> str:
    """camelCase of the handler's name; operators' routes (under /api/admin) start with `admin`."""
    words = route_handler.handler_name.split("_")
    prefix = [c for c in path_components[:2] if isinstance(c, str)]
    if prefix == ["api", "admin"] and words[0] != "admin":
        words = ["admin", *words]
    return words[0] + "".join(w.title() for w in words[1:])


def common_codes(path: str, operation: dict, handler: HTTPRouteHandler) -> list[str]:
    """What every route of this kind can answer, from the operation itself and its guards."""
    codes = ["SERVICE_UNAVAILABLE"]  # the database (or the catalogue) cannot be reached
    params = operation.get("parameters") or []
    if params or "requestBody" in operation:
        codes.append("VALIDATION_ERROR")
    if any(p.get("in") == "path" for p in params):
        codes.append("NOT_FOUND")  # a path segment of the wrong type matches no route
    if "requestBody" in operation:
        codes += ["PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"]
    if operation.get("security") or path.startswith("/api/admin"):  # operators' routes, however they authenticate
        codes += ["UNAUTHORIZED", "FORBIDDEN"]
    if any(getattr(g, "__name__", "") == _RATE_LIMITED_GUARD for g in handler.resolve_guards()):
        codes.append("RATE_LIMITED")
    return codes


# ------------------------------------------------------------------ the document
def _handlers(app: Litestar) -> dict[tuple[str, str], HTTPRouteHandler]:
    out = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in handler.http_methods:
                    out[(route.path_format or "/", method.lower())] = handler
    return out


def _declared_codes(handler: HTTPRouteHandler) -> list[str]:
    return [c for spec in (handler.responses or {}).values() if isinstance(spec, ErrorSpec) for c in spec.codes]


def _body_type(annotation: Any) -> Any:
    """The type whose JSON Schema describes a body: Response[X] -> X; None for what msgspec cannot describe."""
    origin = get_origin(annotation) or annotation
    if isinstance(origin, type) and issubclass(origin, ServerSentEvent):
        return None
    if isinstance(origin, type) and issubclass(origin, Response):
        args = get_args(annotation)
        return args[0] if args else None
    args = [a for a in get_args(annotation) if a is not type(None)]
    if args and type(None) in get_args(annotation):  # an optional body: its schema is the non-None type's
        return args[0] if len(args) == 1 else annotation
    return annotation


def _error_response(status: int, codes: list[str], headers: dict | None) -> dict:
    response: dict[str, Any] = {
        "description": _description(codes),
        "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"},
            "examples": {c: {"summary": CODES[c].description, "value": {"error": {
                "code": c, "message": CODES[c].description, "details": {}}}} for c in codes},
        }},
        "x-error-codes": codes,
    }
    if headers:
        response["headers"] = headers
    return response


_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "string"}}}
_WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "the authentication scheme", "schema": {"type": "string"}}}


def _headers_for(status: int) -> dict | None:
    return {429: _RETRY_AFTER, 503: _RETRY_AFTER, 401: _WWW_AUTHENTICATE}.get(status)


def _walk(info: Any, seen: set, variants: dict) -> None:
    """Collect the Structs with a json_schema_one_of (documented as a oneOf of those Structs)."""
    if id(info) in seen:
        return
    seen.add(id(info))
    if isinstance(info, msgspec.inspect.StructType):
        choices = getattr(info.cls, "json_schema_one_of", None)
        if choices:
            variants[info.cls.__name__] = choices
        for f in info.fields:
            _walk(f.type, seen, variants)
    for attr in ("item_type", "key_type", "value_type", "type"):
        if hasattr(info, attr):
            _walk(getattr(info, attr), seen, variants)
    for sub in getattr(info, "types", ()):
        _walk(sub, seen, variants)


def _extra(info: Any, components: dict, seen: set) -> None:
    """A Struct's ClassVar json_schema_extra (what msgspec cannot say, e.g. a oneOf) merged into its component."""
    if id(info) in seen:
        return
    seen.add(id(info))
    if isinstance(info, msgspec.inspect.StructType):
        extra = getattr(info.cls, "json_schema_extra", None)
        if extra and info.cls.__name__ in components:
            components[info.cls.__name__].update(extra)
        for f in info.fields:
            _extra(f.type, components, seen)
    for attr in ("item_type", "key_type", "value_type", "type"):
        if hasattr(info, attr):
            _extra(getattr(info, attr), components, seen)
    for sub in getattr(info, "types", ()):
        _extra(sub, components, seen)


def _decimals_are_numbers(node: Any) -> Any:
    """msgspec describes Decimal as a string of format decimal; the API writes and reads it as a JSON number."""
    if isinstance(node, dict):
        if node.get("format") == "decimal":
            node = {k: v for k, v in node.items() if k != "format"}
            node["type"] = "number"
        return {k: _decimals_are_numbers(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_decimals_are_numbers(v) for v in node]
    return node


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def build(app: Litestar) -> dict:
    doc = copy.deepcopy(app.openapi_schema.to_schema())
    handlers = _handlers(app)
    slots: list[tuple[dict, str, Any]] = []  # (where, key, type) filled with msgspec's schemas at the end
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "delete", "patch"}:
                continue
            handler = handlers[(path, method)]
            data = handler.parsed_fn_signature.parameters.get("data")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if data is not None and body is not None and (kind := _body_type(data.annotation)) is not None:
                slots.append((body, "schema", kind))
            for status, spec in (handler.responses or {}).items():  # other documented answers (a 202): msgspec too
                extra = operation["responses"].get(str(status), {}).get("content", {}).get("application/json")
                if not isinstance(spec, ErrorSpec) and spec.data_container is not None and extra is not None:
                    slots.append((extra, "schema", spec.data_container))
            if handler.opt.get(LINKS):
                operation["responses"].get(str(handler.status_code), {})["links"] = handler.opt[LINKS]
            success = operation["responses"].get(str(handler.status_code), {}).get("content", {})
            result = _body_type(handler.parsed_fn_signature.return_type.annotation)
            if result is not None and "application/json" in success:
                slots.append((success["application/json"], "schema", result))
            # errors: the route's own codes and its kind's, grouped by the catalogue's status
            responses = {k: v for k, v in operation["responses"].items() if int(k) < 400}
            by_status: dict[int, list[str]] = {}
            for code in dict.fromkeys(_declared_codes(handler) + common_codes(path, operation, handler)):
                by_status.setdefault(CODES[code].http_status, []).append(code)
            for status, codes in sorted(by_status.items()):
                responses[str(status)] = _error_response(status, codes, _headers_for(status))
            operation["responses"] = responses
    types = [t for _, _, t in slots]
    infos = msgspec.inspect.multi_type_info([Error, *types])
    variants: dict[str, tuple] = {}  # a Struct documented as a oneOf of others (json_schema_one_of)
    seen: set = set()
    for info in infos:
        _walk(info, seen, variants)
    extra_types = [t for choices in variants.values() for t in choices]
    schemas, components = msgspec.json.schema_components([Error, *types, *extra_types],
                                                         ref_template="#/components/schemas/{name}")
    for (where, key, _), schema in zip(slots, schemas[1:]):
        where[key] = schema
    for info in infos:
        _extra(info, components, set())
    for name, choices in variants.items():
        description = components.get(name, {}).get("description")
        components[name] = {"title": name, **({"description": description} if description else {}),
                            "oneOf": [{"$ref": f"#/components/schemas/{t.__name__}"} for t in choices]}
    all_components = {**doc.get("components", {}).get("schemas", {}), **components}
    used: set[str] = set()
    _refs(doc["paths"], used)
    while True:  # the components the paths reference, and those these reference
        more: set[str] = set()
        _refs([all_components[n] for n in used if n in all_components], more)
        if more <= used:
            break
        used |= more
    doc.setdefault("components", {})["schemas"] = {n: all_components[n] for n in sorted(used) if n in all_components}
    return _decimals_are_numbers(doc)


def document(app: Litestar) -> dict:
    """The served document, built once per process."""
    cached = app.state.get("openapi_document")
    if cached is None:
        cached = app.state["openapi_document"] = build(app)
    return cached


class DocumentPlugin(JsonRenderPlugin):
    """Serves document(app) at /schema/openapi.json (the UI at /schema reads it from there)."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return msgspec.json.encode(document(request.app))

