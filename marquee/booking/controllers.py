"""The booking flow over HTTP: hold, release, price, confirm, pay, look up, cancel; seat features of a showtime."""

import json
import re
import uuid
from typing import Annotated, Literal
from urllib.parse import urlsplit
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.openapi import ResponseSpec
from litestar.params import Parameter
from psycopg_pool import AsyncConnectionPool

from ..checkin import with_tickets
from ..db import Queries, one, scalar, transaction
from ..http.errors import ApiError
from ..http.idempotency import IDEMPOTENT, finish_key, run_idempotent
from ..http.openapi import errors, links
from ..http.ratelimit import rate_limit_guard
from ..http.responses import SKIP_COMPRESSION, MarqueeResponse, json_text
from ..http.schemas import NO_NUL, SessionHeader, to
from ..queue.schemas import AdmissionHeader
from ..payments.gateway import PaymentProviderUnavailable, get_gateway
from ..payments.refunds import refund_now
from .batcher import HoldBatcher
from .cancellation import cancel_booking
from .schemas import (CancelRequest, Channel, CancelResponse, ConfirmRequest, ConfirmResponse, HeldSeat, HoldRequest,
                      HoldResponse, PaymentPendingResponse, PaymentRequest, PaymentResponse, PriceRequest,
                      PriceResponse, ReleaseResponse)
from .smart import hold_query

Q = Queries.beside(__file__)
_CONFIRM_ATTEMPTS = 3

# What a hold and a booking lead to (OpenAPI links: schemathesis' stateful phase books through them)
_HOLD = {"holdId": "$response.body#/holdId", "sessionToken": "$request.body#/sessionToken"}
HOLD_LINKS = links(
    price={"operationId": "price", "requestBody": _HOLD},
    confirm={"operationId": "confirm", "requestBody": {
        **_HOLD, "userDetails": {"email": "linked@example.com", "name": "Linked Buyer"}}},
    release={"operationId": "release", "parameters": {"path.hold_id": "$response.body#/holdId",
                                                     "header.X-Session-Token": "$request.body#/sessionToken"}})
CONFIRM_LINKS = links(
    processPayment={"operationId": "processPayment", "requestBody": {
        "bookingId": "$response.body#/bookingId", "paymentIntentId": "$response.body#/paymentIntentId",
        "paymentMethod": {"type": "card", "token": "tok_visa"}}},
    find={"operationId": "find", "parameters": {"path.reference": "$response.body#/bookingReference",
                                               "query.email": "$request.body#/userDetails/email"}},
    cancel={"operationId": "cancel", "parameters": {"path.booking_id": "$response.body#/bookingId"}})


def _provider_unavailable(exc: Exception) -> ApiError:
    return ApiError("PAYMENT_PROVIDER_UNAVAILABLE", "the payment provider cannot be reached; retry shortly",
                    {"reason": str(exc)[:200]}, headers={"Retry-After": "5"})


def _same_site_url(request: Request, url: str | None) -> str | None:
    """The page 3-D Secure sends the buyer back to: only one of this site (never an open redirect)."""
    if url is None:
        return None
    target, here = urlsplit(url), urlsplit(str(request.base_url))
    if target.scheme not in ("http", "https") or not target.netloc or target.netloc != here.netloc:
        raise ApiError("VALIDATION_ERROR", "returnUrl must be a page of this site", {"field": "returnUrl"})
    return url


def _camel(value):
    """Stripe's next_action with camelCase keys, like every other field of our API."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


async def _record_outcome(pool: AsyncConnectionPool, key: str | None, data, reference: str, outcome) -> Response:
    """What the provider said about the payment, recorded by the rules in SQL, as the HTTP answer."""
    if outcome.status == "requires_action":  # nothing changes: the buyer completes 3-D Secure, then calls again
        view = json.loads(await scalar(pool, Q.booking_view, {"booking_id": data.booking_id}))
        # the intent's own deadline: a dearer exchange's difference has one of its own (the booking is CONFIRMED)
        deadline = await scalar(pool, Q.intent_payment_deadline, {"payment_intent_id": data.payment_intent_id})
        return MarqueeResponse(PaymentPendingResponse(
            success=False, booking_reference=reference, status="REQUIRES_ACTION", booking_status=view["status"],
            payment_deadline=deadline or view["paymentDeadline"], client_secret=outcome.client_secret,
            next_action=_camel(outcome.next_action)), status_code=202)
    if outcome.status == "processing":
        async with transaction(pool) as conn:
            _b, reference, status, deadline = await one(conn, Q.record_payment_processing, {
                "payment_intent_id": data.payment_intent_id})
        return MarqueeResponse(PaymentPendingResponse(
            success=False, booking_reference=reference, status="PROCESSING", booking_status=str(status),
            payment_deadline=deadline), status_code=202)
    if outcome.status == "incomplete":  # "finish" asked, but nothing was tried at the provider
        raise ApiError("VALIDATION_ERROR", "paymentMethod is required: the payment has not been attempted yet",
                       {"field": "paymentMethod"})
    result = {"succeeded": "succeeded", "declined": "declined", "canceled": "failed"}[outcome.status]
    async with transaction(pool) as conn:
        row = await one(conn, Q.record_payment, {
            "payment_intent_id": data.payment_intent_id, "result": result, "error_code": outcome.error_code})
        if outcome.status == "succeeded" and str(row[2]) == "CONFIRMED":
            await finish_key(conn, "payments.process", key, MarqueeResponse(PaymentResponse(
                success=True, booking_reference=row[1], status="CONFIRMED"), status_code=200))
    _booking_id, reference, status, _pay_status, refund_id, refund_amount = row
    if outcome.status == "canceled":
        raise ApiError("BOOKING_NOT_PAYABLE", "the payment was canceled at the provider",
                       {"bookingReference": reference, "status": str(status)})
    if outcome.status != "succeeded":
        raise ApiError("PAYMENT_DECLINED", outcome.message or "the payment was declined", {
            "bookingReference": reference, "status": str(status), "declineCode": outcome.error_code})
    if str(status) != "CONFIRMED":
        # paid after the window closed: the money is refunded in full, the seats were not kept
        if refund_id is not None:
            await refund_now(pool, refund_id)
        raise ApiError("PAYMENT_WINDOW_EXPIRED", "the payment window ended; the payment is refunded",
                       {"bookingReference": reference, "status": str(status),
                        "refundId": str(refund_id) if refund_id else None, "refundAmount": refund_amount})
    return MarqueeResponse(PaymentResponse(success=True, booking_reference=reference, status="CONFIRMED"),
                           status_code=200)


class _Changed(Exception):
    """The booking came out otherwise than quoted (a price changed in between): quote again."""


async def confirm_hold(pool: AsyncConnectionPool, params: dict, key: str | None) -> Response:
    """Confirm a hold without ever waiting for the payment provider inside a database transaction:

    1. booking.confirm_quote, a read (no lock, no write, no transaction id): every rule confirm checks first is
       checked (errors answer as before, and nothing is sent to the provider), and it gives the booking's id (it
       carries the showtime), a reference, the amount and the status;
    2. create the payment intent for that id, with no connection held (idempotency key intent-<booking id>);
    3. in one short transaction, confirm with the quoted id and reference, attach the intent and store the
       Idempotency-Key's answer: the booking commits with its intent or not at all.
    A provider failure in step 2 leaves nothing written: the hold keeps its seats and can be confirmed again.
    An intent whose step 3 then fails (the hold expired meanwhile) is never charged: payment only goes to the
    intent a booking holds. (Until issue 16 step 1 was booking.confirm itself, rolled back: a whole confirm's writes.)
    """
    for _ in range(_CONFIRM_ATTEMPTS):
        booking_id, reference, status, amount, currency = await one(pool, Q.confirm_quote, params)
        intent_id = None
        if str(status) == "PENDING_PAYMENT":  # a free booking is CONFIRMED by booking.confirm itself
            try:
                intent_id = await get_gateway().create_intent(booking_id=str(booking_id), reference=reference,
                                                              amount=amount, currency=currency)
            except PaymentProviderUnavailable as exc:
                raise _provider_unavailable(exc) from exc
        try:
            async with transaction(pool) as conn:
                row = await one(conn, Q.confirm, {**params, "booking_id": booking_id, "reference": reference})
                if (str(row[2]), row[3], row[4]) != (str(status), amount, currency):
                    raise _Changed
                if intent_id is not None:
                    await one(conn, Q.attach_payment_intent, {"booking_id": booking_id, "payment_intent_id": intent_id})
                response = MarqueeResponse(ConfirmResponse(
                    booking_id=booking_id, booking_reference=reference, status=str(status),
                    payment_intent_id=intent_id, amount=amount, currency=currency, payment_deadline=row[5]),
                    status_code=201)
                await finish_key(conn, "bookings.confirm", key, response)
            return response
        except _Changed:
            continue
    raise ApiError("CONFLICT", "the booking's price changed while confirming; confirm again", {"holdId": str(
        params["hold_id"])})


class BookingController(Controller):
    path = "/api"
    tags = ["booking"]

    @post("/bookings/hold", guards=[rate_limit_guard], status_code=201, summary="Hold seats for a session",
          responses=errors("SHOWTIME_NOT_FOUND", "SEAT_NOT_FOUND", "SHOWTIME_NOT_ON_SALE", "SEAT_UNAVAILABLE", "SEAT_LONE",
                           "TOO_MANY_SEATS", "BEST_AVAILABLE_NOT_FOUND", "COMPANION_SEAT_RESERVED", "CHANNEL_RESERVED",
                           "NOT_YET_ON_SALE", "ADMISSION_REQUIRED", "ADMISSION_EXPIRED"),
          opt={**HOLD_LINKS, SKIP_COMPRESSION: True})
    async def hold(self, request: Request, data: HoldRequest, pool: AsyncConnectionPool,
                   admission_token: AdmissionHeader = None) -> HoldResponse:
        batcher: HoldBatcher | None = getattr(request.app.state, "hold_batcher", None)
        if batcher is not None and data.seat_ids is not None and data.best_available is None and data.channel is None:
            # the premiere path: a loser is answered by a read when this process's batches gave a seat to another
            # session or the hub's copy says it is taken, and the database confirms it; everyone else is decided
            # by group commit (booking.hold_batch)
            showtime_id = str(data.showtime_id)
            hub = getattr(request.app.state, "realtime_hub", None)
            if hub is not None:
                hub.follow(showtime_id)
            if (batcher.won_by_other(showtime_id, data.seat_ids, data.session_token)
                    or (hub is not None and hub.seat_taken(showtime_id, data.seat_ids,
                                                           batcher.own_seats(showtime_id, data.session_token)))):
                claimed = await scalar(pool, Q.seats_claimed, {"showtime_id": showtime_id, "seat_ids": data.seat_ids,
                                                               "session_token": data.session_token})
                if claimed:  # claimed in the database at this instant: the answer booking.hold would give
                    raise ApiError("SEAT_UNAVAILABLE", "seats not available: " + ", ".join(claimed),
                                   {"seatIds": claimed, "showtimeId": showtime_id})
            hold_id, expires_at, total, currency, seats = await batcher.hold(showtime_id, data.seat_ids,
                                                                             data.session_token, admission_token)
        else:
            hold_id, expires_at, total, currency, seats = await one(pool, *hold_query(data, admission_token))
        # Read-your-writes for this showtime's cached map (a hold changes seats of its own showtime only; a refused
        # one changes nothing, so the middleware leaves the cache alone on this route)
        cache = request.app.state.get("seatmap_cache")
        if cache is not None:
            cache.invalidate(str(data.showtime_id))
        return HoldResponse(hold_id=hold_id, expires_at=expires_at, seats=to(list[HeldSeat], seats),
                            total_amount=total, currency=currency)

    @delete("/bookings/hold/{hold_id:uuid}", status_code=200, summary="Release a hold (X-Session-Token required)",
            responses=errors("HOLD_NOT_FOUND", "HOLD_NOT_YOURS", "HOLD_NOT_ACTIVE"))
    async def release(self, hold_id: UUID, pool: AsyncConnectionPool, session_token: SessionHeader = None
                      ) -> ReleaseResponse:
        released = await scalar(pool, Q.release_hold, {"hold_id": hold_id, "session_token": session_token})
        return ReleaseResponse(hold_id=hold_id, released=released)

    @post("/pricing/calculate", status_code=200, summary="Price a hold, optionally with a promo code",
          responses=errors("HOLD_NOT_FOUND", "HOLD_NOT_YOURS", "HOLD_NOT_ACTIVE", "HOLD_EXPIRED", "SHOWTIME_NOT_FOUND",
                           "PROMO_INVALID", "PROMO_EXPIRED", "PROMO_USED_UP", "PROMO_MIN_TICKETS"))
    async def price(self, data: PriceRequest, pool: AsyncConnectionPool, session_token: SessionHeader = None
                    ) -> PriceResponse:
        subtotal, discount, final, currency, promo, tickets = await one(pool, Q.price_hold, {
            "hold_id": data.hold_id, "promo_code": data.promo_code,
            "session_token": data.session_token or session_token})
        return PriceResponse(subtotal=subtotal, discount=discount, final_amount=final, currency=currency,
                             promo_code=promo, tickets=tickets)

    @post("/bookings/confirm", guards=[rate_limit_guard], status_code=201,
          summary="Confirm a hold into a booking waiting for payment (Idempotency-Key supported)",
          responses=errors("HOLD_NOT_FOUND", "HOLD_NOT_YOURS", "HOLD_NOT_ACTIVE", "HOLD_EXPIRED", "SHOWTIME_NOT_FOUND",
                           "SHOWTIME_NOT_ON_SALE", "PROMO_INVALID", "PROMO_EXPIRED", "PROMO_USED_UP",
                           "PROMO_MIN_TICKETS", "CONFLICT", "PAYMENT_REJECTED", "PAYMENT_PROVIDER_UNAVAILABLE",
                           *IDEMPOTENT), opt={**CONFIRM_LINKS, SKIP_COMPRESSION: True})
    async def confirm(self, request: Request, data: ConfirmRequest, pool: AsyncConnectionPool,
                      session_token: SessionHeader = None) -> ConfirmResponse:
        params = {"hold_id": data.hold_id, "email": data.user_details.email, "name": data.user_details.name,
                  "phone": data.user_details.phone, "payment_method": data.payment_method,
                  "session_token": data.session_token or session_token, "booking_id": None, "reference": None}
        return await run_idempotent(request, pool, "bookings.confirm", lambda key: confirm_hold(pool, params, key))

    @post("/payments/process", guards=[rate_limit_guard], status_code=200,
          summary="Pay a booking (Idempotency-Key supported): 200 CONFIRMED; 202 REQUIRES_ACTION (3-D Secure) or "
                  "PROCESSING (settles later, seats kept); 402 PAYMENT_DECLINED keeps it waiting",
          responses={202: ResponseSpec(
              data_container=PaymentPendingResponse, generate_examples=False,
              description="Not finished, not declined. REQUIRES_ACTION: the buyer completes 3-D Secure "
                          "(nextAction.redirectToUrl.url, or Stripe.js with clientSecret), then the client calls "
                          "this again without paymentMethod. PROCESSING: the booking stays PENDING_PAYMENT with its "
                          "seats until paymentDeadline; the webhook confirms it or records the failure."),
              **errors("BOOKING_NOT_FOUND", "BOOKING_NOT_PAYABLE", "PAYMENT_MISMATCH", "PAYMENT_WINDOW_EXPIRED",
                       "PAYMENT_DECLINED", "PAYMENT_REJECTED", "PAYMENT_PROVIDER_UNAVAILABLE", *IDEMPOTENT)})
    async def process_payment(self, request: Request, data: PaymentRequest, pool: AsyncConnectionPool
                              ) -> PaymentResponse:
        async def work(key: str | None) -> Response:
            params = {"booking_id": data.booking_id, "payment_intent_id": data.payment_intent_id}
            payable = await one(pool, Q.payable_booking, params)
            if payable[3]:  # already CONFIRMED with this intent: answer as the first success did, charge nothing
                return MarqueeResponse(PaymentResponse(success=True, booking_reference=payable[0], status="CONFIRMED"),
                                       status_code=200)
            return_url = _same_site_url(request, data.return_url)
            try:
                if data.payment_method is None:  # after 3-D Secure: what does the intent say now?
                    outcome = await get_gateway().intent_outcome(data.payment_intent_id)
                else:
                    # a fresh provider key per attempt: a PaymentIntent never succeeds twice, and a key Stripe
                    # saved a 5xx under would replay it for a day (docs/payments.md, idempotency)
                    outcome = await get_gateway().confirm_intent(
                        data.payment_intent_id, payment_method_token=data.payment_method.token,
                        idempotency_key=f"pay:{data.booking_id}:{uuid.uuid4()}", return_url=return_url)
            except PaymentProviderUnavailable as exc:
                raise _provider_unavailable(exc) from exc
            return await _record_outcome(pool, key, data, payable[0], outcome)

        return await run_idempotent(request, pool, "payments.process", work)

    @get("/cancellation-reasons", summary="Reason categories a cancellation can be filed under (reasonCategory): "
                                          "the customer's choices, or with for=operator every one")
    async def cancellation_reasons(self, pool: AsyncConnectionPool,
                                   audience: Literal["customer", "operator"] = Parameter(
                                       query="for", default="customer", description="whose form")
                                   ) -> Response[list[dict]]:
        return json_text(await scalar(pool, Q.cancel_reasons, {"for": audience}))

    @get("/bookings/{reference:str}", summary="Look up a booking by reference and email",
         responses=errors("BOOKING_NOT_FOUND"))
    async def find(self, request: Request, pool: AsyncConnectionPool,
                   reference: Annotated[str, Parameter(max_length=40, pattern=NO_NUL)],
                   email: Annotated[str, Parameter(query="email", min_length=3, max_length=254, pattern=NO_NUL)]
                   ) -> Response[dict]:
        text, tickets = await one(pool, Q.find_booking, {"reference": reference, "email": email})
        return json_text(await with_tickets(request.app, pool, text, tickets))

    @post("/bookings/{booking_id:uuid}/cancel", guards=[rate_limit_guard], status_code=200,
          summary="Cancel a booking (Idempotency-Key supported); refunds what was paid, or refundAmount",
          responses=errors("BOOKING_NOT_FOUND", "ALREADY_CANCELLED", "BOOKING_NOT_CANCELLABLE", "CANCEL_TOO_LATE",
                           "REFUND_EXCEEDS_PAID", "PAYMENT_REJECTED", "PAYMENT_PROVIDER_UNAVAILABLE", *IDEMPOTENT))
    async def cancel(self, request: Request, booking_id: UUID, pool: AsyncConnectionPool,
                     data: CancelRequest | None = None) -> CancelResponse:
        data = data or CancelRequest()

        async def work(_key: str | None) -> Response:
            return MarqueeResponse(await cancel_booking(pool, booking_id, data.reason, data.refund_amount,
                                                        reason_category=data.reason_category),
                                   status_code=200)

        return await run_idempotent(request, pool, "bookings.cancel", work)


class SeatFeaturesController(Controller):
    path = "/api/showtimes"
    tags = ["smart seating"]

    @get("/{showtime_id:uuid}/seat-features", summary="Wheelchair companions and channel seats of a showtime",
         responses=errors("SHOWTIME_NOT_FOUND"))
    async def seat_features(self, pool: AsyncConnectionPool, showtime_id: UUID,
                            channel: Channel | None = Parameter(default=None)) -> Response:
        return json_text(await scalar(pool, Q.seat_features, {"showtime_id": showtime_id, "channel": channel}))
