"""Marquee, the cinema seat-booking engine: the Python side of it (the rules are the SQL functions in sql/).

One folder per domain (catalogue, booking, payments, notify, reports, realtime, web, admin), each with its
controllers, schemas, queries.sql and jobs; shared layers below them (http, db, money, settings) and the app on
top. pyproject.toml's import-linter contracts keep the imports pointing down.
"""
