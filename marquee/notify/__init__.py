"""Notifications: the outbox relay, the Dramatiq mail actor, rendering, the SMTP sink, the outbox admin."""
