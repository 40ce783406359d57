"""Jinja2 rendering for the web pages, kept inside the web domain so the app needs no template config."""

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Response
from litestar.enums import MediaType

from ..money import format_money

HERE = Path(__file__).resolve().parent

# Pages carry no inline script (the CSP forbids it); data for the JS travels in data-* attributes.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")

def _json(value) -> str:
    return json.dumps(value, default=str)


env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
env.filters["money"] = format_money
env.filters["tojson_attr"] = _json  # autoescape makes it safe inside a quoted attribute


def page(template: str, status_code: int = 200, **context) -> Response:
    html = env.get_template(template).render(**context)
    return Response(html, media_type=MediaType.HTML, status_code=status_code,
                    headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"})
