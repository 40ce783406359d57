"""JSON responses with money as exact numbers: Decimal("12.00") is written as 12.00, never "12.00" or 12.0."""

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Response
from litestar.enums import MediaType
from litestar.serialization import default_serializer

# msgspec writes Decimal as a string by default; decimal_format="number" writes its exact digits instead.
_encoders: dict[Any, msgspec.json.Encoder] = {}


def encode(value: Any, enc_hook=default_serializer) -> bytes:
    encoder = _encoders.get(enc_hook)
    if encoder is None:
        encoder = _encoders[enc_hook] = msgspec.json.Encoder(enc_hook=enc_hook, decimal_format="number")
    return encoder.encode(value)


class MarqueeResponse(Response):
    """The app's response class: JSON bodies go through the Decimal-as-number encoder."""

    def render(self, content: Any, media_type: str, enc_hook=default_serializer) -> bytes:
        if media_type == MediaType.JSON and not isinstance(content, (bytes, str)):
            return encode(content, enc_hook)
        return super().render(content, media_type, enc_hook)


def money(value: Any) -> Decimal:
    """A database numeric as a 2-decimal Decimal (numeric(10,2) already is; this guards sums and literals)."""
    return Decimal(value).quantize(Decimal("0.01"))
