"""Smart seating on POST /api/bookings/hold: `bestAvailable` instead of `seatIds`, and an optional `channel`.

Only maps the request to a query; the rules are in sql/functions/75_smart_seating.sql.
"""

from .errors import ApiError
from .queries import Q


def hold_query(data) -> tuple[str, dict] | None:
    """(query, params) for a smart-seating hold, or None for a plain seatIds hold (the existing query)."""
    if (data.seat_ids is None) == (data.best_available is None):
        raise ApiError(422, "VALIDATION_ERROR", "give either seatIds or bestAvailable",
                       {"field": "seatIds/bestAvailable"})
    params = {"showtime_id": data.showtime_id, "session_token": data.session_token, "channel": data.channel}
    if data.best_available is not None:
        best = data.best_available
        return Q.hold_best_available, {**params, "quantity": best.quantity, "types": best.types,
                                       "together": best.together, "accessible": best.accessible}
    if data.channel is not None:
        return Q.hold_via_channel, {**params, "seat_ids": data.seat_ids}
    return None
