"""The typed client generated from the OpenAPI document (clients/python, `make client`) is current and books a seat:
hold, price, confirm, pay with tok_visa against the fake Stripe, look the booking up."""

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from testing import client as generator

from .conftest import ADMIN

sys.path.insert(0, str(generator.CLIENT))
from marquee_client import AuthenticatedClient, Client  # noqa: E402
from marquee_client.api.admin import admin_create_showtime  # noqa: E402
from marquee_client.api.booking import confirm, find, hold, price, process_payment  # noqa: E402
from marquee_client.api.catalogue import seat_map  # noqa: E402
from marquee_client.models import (ConfirmRequest, Created, Error, HoldSeats, PaymentMethod,  # noqa: E402
                                   PaymentRequest, PriceRequest, ShowtimeIn, ShowtimeInPrices, UserDetails)


def test_committed_client_matches_the_document():
    assert generator.main(["--check"]) == 0, "clients/python is stale: run `make client` and commit it"


def test_book_a_seat_through_the_generated_client(api_server, demo_data, grand, fake_stripe):
    movie_id, auditorium_id = grand
    operator = AuthenticatedClient(base_url=api_server, token=ADMIN["Authorization"].split()[1])
    created = admin_create_showtime.sync(client=operator, body=ShowtimeIn(
        movie_id=movie_id, auditorium_id=auditorium_id,
        starts_at=datetime(2032, 3, 1, 19, tzinfo=timezone.utc) + timedelta(minutes=7),
        prices=ShowtimeInPrices.from_dict({"STANDARD": 12.0, "PREMIUM": 15.0, "VIP": 20.0})))
    assert isinstance(created, Created), created

    customer = Client(base_url=api_server)
    seats = seat_map.sync(created.id, client=customer)
    seat = next(s for row in seats.layout.rows for s in row.seats if s.status == "AVAILABLE")
    held = hold.sync(client=customer, body=HoldSeats(showtime_id=created.id, session_token="client-test",
                                                     seat_ids=[seat.id]))
    assert not isinstance(held, Error), held
    assert [s.id for s in held.seats] == [seat.id]

    quote = price.sync(client=customer, body=PriceRequest(hold_id=held.hold_id, session_token="client-test"))
    assert quote.final_amount == held.total_amount

    booking = confirm.sync(client=customer, body=ConfirmRequest(
        hold_id=held.hold_id, session_token="client-test",
        user_details=UserDetails(email="client@example.com", name="Typed Client", phone="+1234567890")))
    assert not isinstance(booking, Error), booking
    assert booking.status == "PENDING_PAYMENT" and booking.payment_intent_id

    paid = process_payment.sync(client=customer, body=PaymentRequest(
        booking_id=booking.booking_id, payment_intent_id=booking.payment_intent_id,
        payment_method=PaymentMethod(type_="card", token="tok_visa")))
    assert not isinstance(paid, Error), paid
    assert paid.success and paid.status == "CONFIRMED"

    found = find.sync(booking.booking_reference, client=customer, email="client@example.com")
    assert found.additional_properties["status"] == "CONFIRMED"

    # an error comes back typed, with its stable code
    again = hold.sync(client=customer, body=HoldSeats(showtime_id=created.id, session_token="someone-else",
                                                      seat_ids=[seat.id]))
    assert isinstance(again, Error) and again.error.code == "SEAT_UNAVAILABLE"


