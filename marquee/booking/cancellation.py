"""Cancelling a booking, for customers and operators alike: the rules are booking.cancel's; the refund that
cancelling made due is sent to the provider at once (the payments job retries it if that fails)."""

from uuid import UUID

from litestar.connection import ASGIConnection
from psycopg_pool import AsyncConnectionPool

from ..db import Queries, one
from ..http.auth import as_operator
from ..payments.refunds import refund_now
from .schemas import CancelResponse, RefundInfo

Q = Queries.beside(__file__)


async def cancel_booking(pool: AsyncConnectionPool, booking_id: UUID, reason: str, refund_amount, *,
                         reason_category: str | None = None, override_policy: bool = False,
                         operator: ASGIConnection | None = None) -> CancelResponse:
    """A customer's cancel (operator None), or an operator's: the request's credential goes with it and
    booking.cancel checks it (bookings.cancel, bookings.override, bookings.refund) and audits that operator."""
    params = {"booking_id": booking_id, "reason": reason, "refund_amount": refund_amount,
              "actor": "customer" if operator is None else "operator", "override_policy": override_policy,
              "reason_category": reason_category}
    if operator is None:
        row = await one(pool, Q.cancel, params)
    else:
        async with as_operator(operator, pool) as db:
            row = await one(db, Q.cancel, params)
    bid, reference, status, refund_id, amount, refund_status = row
    refund = None
    if refund_id is not None:
        refund_status = await refund_now(pool, refund_id)
        refund = RefundInfo(refund_id=refund_id, amount=amount, status=refund_status)
    return CancelResponse(booking_id=bid, booking_reference=reference, status=str(status), refund_amount=amount,
                          refund=refund)
