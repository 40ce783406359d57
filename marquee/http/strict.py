"""JSON request bodies decoded strictly, so the API accepts exactly what the OpenAPI document describes.

Litestar converts a body into the handler's `data` type in lax mode (it shares one conversion with query strings):
`"active": 0` would be taken as false and `"durationMinutes": "90"` as 90, although the document says boolean and
integer. This `before_request` hook decodes the body first with a strict msgspec decoder of the same type (one
per handler, made once) and refuses what it refuses, as the framework's own 422 VALIDATION_ERROR; then it checks
each amount of money (a Decimal: msgspec cannot bound one) as the document's Money says. Litestar's own conversion
still makes `data` afterwards: the two agree on everything this lets through.
"""

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import BodyKwarg

from .schemas import MONEY_MAX

_CENT = Decimal("0.01")
_decoders: dict[HTTPRouteHandler, msgspec.json.Decoder | None] = {}


def _decoder(handler: HTTPRouteHandler) -> msgspec.json.Decoder | None:
    try:
        return _decoders[handler]
    except KeyError:
        pass
    data = handler.parsed_fn_signature.parameters.get("data")
    decoder = None
    if data is not None:
        kwarg = data.kwarg_definition
        media = kwarg.media_type if isinstance(kwarg, BodyKwarg) else RequestEncodingType.JSON
        if media == RequestEncodingType.JSON and data.annotation is not bytes:
            decoder = msgspec.json.Decoder(data.annotation, strict=True)
    _decoders[handler] = decoder
    return decoder


def _money_errors(value: Any, path: str) -> list[str]:
    if isinstance(value, Decimal):
        if not value.is_finite() or not 0 <= value <= MONEY_MAX or value % _CENT != 0:
            return [f"{path}: an amount from 0 to {MONEY_MAX} with at most 2 decimals"]
        return []
    if isinstance(value, msgspec.Struct):
        return [e for f in value.__struct_fields__ for e in _money_errors(getattr(value, f), f"{path}.{f}")]
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _money_errors(v, f"{path}.{k}")]
    if isinstance(value, (list, tuple)):
        return [e for i, v in enumerate(value) for e in _money_errors(v, f"{path}[{i}]")]
    return []


_NOT_JSON = object()
_NUMBERS = msgspec.json.Encoder(decimal_format="number")
_DECIMALS = msgspec.json.Decoder(float_hook=Decimal)


def _as_ints(node: Any) -> Any:
    if isinstance(node, Decimal):
        return int(node) if node.is_finite() and node == node.to_integral_value() else node
    if isinstance(node, dict):
        return {k: _as_ints(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_ints(v) for v in node]
    return node


def _integral_floats(decoder: msgspec.json.Decoder, body: bytes, error: msgspec.ValidationError) -> Any:
    """JSON Schema counts 90.0 as an integer, msgspec's strict mode does not: on such an error, decode again with
    every integral number written as an integer (only on this error path: a valid body is decoded once)."""
    if "got `float`" not in str(error):
        return error
    try:
        plain = _DECIMALS.decode(body)
        return decoder.decode(_NUMBERS.encode(_as_ints(plain)))
    except msgspec.ValidationError as exc:
        return exc
    except msgspec.DecodeError:
        return _NOT_JSON


async def strict_body(request: Request) -> None:
    decoder = _decoder(request.route_handler)
    if decoder is None:
        return
    body = await request.body()
    if not body.strip():
        return  # no body: Litestar answers (a required one is a 422) or passes None
    try:
        value = decoder.decode(body)
    except msgspec.ValidationError as exc:
        value = _integral_floats(decoder, body, exc)
    except msgspec.DecodeError:
        value = _NOT_JSON
    if isinstance(value, msgspec.ValidationError):
        text = str(value)
        key = text.rsplit(" - at `", 1)[1].rstrip("`") if " - at `" in text else "$"
        raise ValidationException(detail=f"Validation failed for {request.method} {request.url.path}",
                                  extra=[{"message": text, "key": key, "source": "body"}])
    if value is _NOT_JSON:
        return  # Litestar refuses it with its own message
    if problems := _money_errors(value, "$"):
        raise ValidationException(detail=f"Validation failed for {request.method} {request.url.path}",
                                  extra=[{"message": p, "key": p.split(":", 1)[0], "source": "body"} for p in problems])
