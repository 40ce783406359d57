"""Real time: LISTEN seat_changes -> Socket.IO rooms and SSE streams, the expiry publisher, warm seat maps.

See docs/realtime.md; `marquee.realtime.mount` puts it in front of the app.
"""
