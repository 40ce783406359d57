"""Smart seating on POST /api/bookings/hold: `bestAvailable` instead of `seatIds`, and an optional `channel`.

Only maps the request to a query; the rules are in sql/functions/75_smart_seating.sql.
"""

from ..db import Queries
from ..http.errors import ApiError
from .schemas import HoldRequest

Q = Queries.beside(__file__)


def hold_query(data: HoldRequest, admission_token: str | None = None) -> tuple[str, dict]:
    """(query, params) of a hold: by seat ids, by best available, or by seat ids through a sales channel."""
    if (data.seat_ids is None) == (data.best_available is None):
        raise ApiError("VALIDATION_ERROR", "give either seatIds or bestAvailable", {"field": "seatIds/bestAvailable"})
    params = {"showtime_id": data.showtime_id, "session_token": data.session_token, "channel": data.channel,
              "admission_token": admission_token}  # X-Admission-Token of a queued showtime, on every path (issue 20)
    if data.best_available is not None:
        best = data.best_available
        return Q.hold_best_available, {**params, "quantity": best.quantity, "types": best.types,
                                       "together": best.together, "accessible": best.accessible}
    if data.channel is not None:
        return Q.hold_via_channel, {**params, "seat_ids": data.seat_ids}
    return Q.hold, {"showtime_id": data.showtime_id, "seat_ids": data.seat_ids, "session_token": data.session_token,
                    "admission_token": admission_token}
