"""Web pages (issue 7): WEB_ROUTES are appended to api.routes.ROUTES."""

from litestar.static_files import create_static_files_router

from .pages import WebController
from .render import HERE

static_router = create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False,
                                           cache_control=None, name="web-static")

WEB_ROUTES = [WebController, static_router]
