"""JSON responses with money as exact numbers: Decimal("12.00") is written as 12.00, never "12.00" or 12.0."""

from typing import Any

import msgspec
from litestar import Response
from litestar.enums import MediaType
from litestar.serialization import default_serializer

# route opt: no gzip by the app's middleware, either because the handler compresses its own body (the seat map) or
# because the answers are small and hot (hold, confirm: Litestar makes a gzip compressor for every response whose
# client accepts gzip before it knows the size, which cost ~4 % of the API's CPU in a rush; issue 16)
SKIP_COMPRESSION = "skip_compression"

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



def json_text(text: str | None) -> Response:
    """A JSON body the database already wrote as text (money keeps its digits), never cached."""
    return MarqueeResponse((text or "null").encode(), media_type=MediaType.JSON, headers={"Cache-Control": "no-store"})
