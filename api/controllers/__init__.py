"""Controllers added by feature modules (each appended to api/routes.ROUTES)."""
