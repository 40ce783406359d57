"""The web pages: customer and operator pages rendered with Jinja, their static files, QR codes."""
