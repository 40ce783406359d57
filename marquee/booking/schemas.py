"""Request and response bodies of the booking flow: hold (seat ids or best available), price, confirm, pay, cancel."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from msgspec import Meta

from ..http.schemas import NO_NUL, Camel, Email, Money, SeatId, ShortText

Channel = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,60}$")]  # a sales channel (smart seating)
SeatType = Literal["STANDARD", "PREMIUM", "VIP", "WHEELCHAIR"]


class BestAvailable(Camel):
    """Smart seating (docs/smart-seating.md): the best n seats instead of a list of seat ids."""
    quantity: Annotated[int, Meta(ge=1, le=100)]
    types: Annotated[list[SeatType], Meta(max_length=4)] | None = None
    together: bool = True
    accessible: bool = False


class HoldSeats(Camel):
    """Hold these seats (ids from the seat map)."""
    showtime_id: UUID
    session_token: ShortText
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=100)]
    channel: Channel | None = None  # sales channel of the hold


class HoldBestAvailable(Camel):
    """Hold the best n seats (docs/smart-seating.md)."""
    showtime_id: UUID
    session_token: ShortText
    best_available: BestAvailable
    channel: Channel | None = None


class HoldRequest(Camel):
    """Either seatIds (these seats) or bestAvailable (the best n seats, booking/smart.py), never both."""
    showtime_id: UUID
    session_token: ShortText
    seat_ids: Annotated[list[SeatId], Meta(min_length=1, max_length=100)] | None = None
    best_available: BestAvailable | None = None
    channel: Channel | None = None  # sales channel of the hold

    # the document describes it as one of these (marquee/http/openapi.py): a oneOf clients generate a union from
    json_schema_one_of: ClassVar[tuple] = (HoldSeats, HoldBestAvailable)


class HeldSeat(Camel):
    id: str
    row_label: str
    seat_number: int
    type: str
    price: Decimal | None


class HoldResponse(Camel):
    hold_id: UUID
    expires_at: datetime
    seats: list[HeldSeat]
    total_amount: Decimal
    currency: str


class ReleaseResponse(Camel):
    hold_id: UUID
    released: bool


class PriceRequest(Camel):
    hold_id: UUID
    promo_code: Annotated[str, Meta(max_length=40, pattern=NO_NUL)] | None = None
    session_token: ShortText | None = None


class PriceResponse(Camel):
    subtotal: Decimal
    discount: Decimal
    final_amount: Decimal
    currency: str
    promo_code: str | None
    tickets: int


# As booking.confirm checks it (sql/functions/30_bookings.sql); Email: marquee/http/schemas.py
Phone = Annotated[str, Meta(max_length=32, pattern=r"^(\+?[0-9 ()./-]{5,31})?$",
                            extra_json_schema={"examples": ["+1234567890"]})]


class UserDetails(Camel):
    email: Email
    name: ShortText
    phone: Phone | None = None


class ConfirmRequest(Camel):
    hold_id: UUID
    user_details: UserDetails
    payment_method: Literal["CARD"] = "CARD"
    session_token: ShortText | None = None


class ConfirmResponse(Camel):
    booking_id: UUID
    booking_reference: str
    status: str
    payment_intent_id: str | None  # None when nothing is to be paid (status CONFIRMED at once)
    amount: Decimal
    currency: str
    payment_deadline: datetime


class PaymentMethod(Camel):
    type: Annotated[str, Meta(min_length=1, max_length=20, pattern=NO_NUL)]
    token: Annotated[str, Meta(min_length=1, max_length=255, pattern=NO_NUL)]  # tok_visa with the fake Stripe


class PaymentRequest(Camel):
    booking_id: UUID
    payment_intent_id: Annotated[str, Meta(min_length=1, max_length=255, pattern=NO_NUL)]
    # omitted after 3-D Secure: the API then reads the intent and records what it says (docs/payments.md)
    payment_method: PaymentMethod | None = None
    # where the buyer's browser comes back after a 3-D Secure challenge (same origin as the API only)
    return_url: Annotated[str, Meta(min_length=1, max_length=2000, pattern=NO_NUL)] | None = None


class PaymentResponse(Camel):
    success: bool
    booking_reference: str
    status: str


class PaymentPendingResponse(Camel):
    """202: the payment is not finished and not declined. REQUIRES_ACTION: the buyer must complete 3-D Secure
    (nextAction.redirectToUrl.url, or Stripe.js with clientSecret), then call process again without paymentMethod.
    PROCESSING: the money settles later; the booking keeps its seats until paymentDeadline and the webhook decides."""
    success: bool
    booking_reference: str
    status: str                # REQUIRES_ACTION | PROCESSING
    booking_status: str        # PENDING_PAYMENT
    payment_deadline: datetime
    client_secret: str | None = None
    next_action: dict | None = None


# Codes of booking.cancel_reason_categories (GET /api/cancellation-reasons lists them; tests/api/test_cancel_reasons.py
# keeps these lists equal to the table). The OpenAPI document lists them; booking.cancel validates (VALIDATION_ERROR).
CUSTOMER_REASON_CATEGORIES = ("NOT_GIVEN", "CHANGE_OF_PLANS", "ILLNESS", "WRONG_SHOWTIME", "WRONG_SEATS",
                              "DUPLICATE_BOOKING", "TRAVEL_DISRUPTION", "PRICE", "OTHER")
OPERATOR_REASON_CATEGORIES = CUSTOMER_REASON_CATEGORIES + ("SHOWTIME_CANCELLED", "TECHNICAL_FAULT", "CUSTOMER_SERVICE",
                                                           "PAYMENT_PROBLEM")
_REASON_DOC = ("Reason category for reports (GET /api/cancellation-reasons lists them); NOT_GIVEN when absent. The "
               "free-text reason is seen by operators only.")
ReasonCategory = Annotated[str, Meta(max_length=40, pattern=NO_NUL, description=_REASON_DOC,
                                     extra_json_schema={"enum": list(CUSTOMER_REASON_CATEGORIES)})]
OperatorReasonCategory = Annotated[str, Meta(max_length=40, pattern=NO_NUL, description=_REASON_DOC,
                                             extra_json_schema={"enum": list(OPERATOR_REASON_CATEGORIES)})]


class CancelRequest(Camel):
    reason: Annotated[str, Meta(max_length=500, pattern=NO_NUL)] = ""
    reason_category: ReasonCategory | None = None
    refund_amount: Money | None = None


class RefundInfo(Camel):
    refund_id: UUID
    amount: Decimal
    status: str


class CancelResponse(Camel):
    booking_id: UUID
    booking_reference: str
    status: str
    refund_amount: Decimal
    refund: RefundInfo | None
