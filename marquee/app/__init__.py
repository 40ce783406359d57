"""The application: the app factory, the one list of routes, the ASGI entry point and the server."""
