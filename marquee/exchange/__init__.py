"""Exchanges over HTTP (issue 21, docs/waitlist.md "Exchanges"); the rules are sql/functions/93_exchange.sql."""
