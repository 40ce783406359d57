"""The waiting list of sold-out showtimes over HTTP (issue 21, docs/waitlist.md); the rules are sql/functions/92_waitlist.sql."""
