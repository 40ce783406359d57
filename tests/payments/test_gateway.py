"""The gateway and the fake server on their own: minor units, idempotency keys, Stripe's error shapes."""

from decimal import Decimal

import pytest
import stripe

from marquee.payments.gateway import (PaymentProviderUnavailable, PaymentRejected, StripeGateway, StripeSettings,
                                  from_minor_units, to_minor_units)


@pytest.mark.parametrize("amount,currency,minor", [
    (Decimal("19.20"), "USD", 1920), (Decimal("0.01"), "gbp", 1), (Decimal("1200"), "JPY", 1200),
    (Decimal("1200.00"), "KRW", 1200), (Decimal("5.250"), "BHD", 5250)])
def test_minor_units(amount, currency, minor):
    assert to_minor_units(amount, currency) == minor
    assert from_minor_units(minor, currency) == amount.quantize(Decimal("0.01"))


@pytest.mark.parametrize("amount,currency", [(Decimal("1200.50"), "JPY"), (Decimal("0.001"), "USD"),
                                             (Decimal("5.255"), "BHD")])
def test_unrepresentable_amounts_are_refused(amount, currency):
    with pytest.raises(ValueError):
        to_minor_units(amount, currency)


def _gw(fake_stripe, base=None):
    return StripeGateway(StripeSettings(fake_stripe.api_key, fake_stripe.webhook_secret, base or fake_stripe.url))


async def test_zero_decimal_currency_intent(fake_stripe):
    intent_id = await _gw(fake_stripe).create_intent(booking_id="b-jpy", reference="BK20300101JPYA",
                                                     amount=Decimal("1800"), currency="JPY")
    assert fake_stripe.intents[intent_id]["amount"] == 1800 and fake_stripe.intents[intent_id]["currency"] == "jpy"


async def test_amount_below_stripe_minimum_is_rejected(fake_stripe):
    with pytest.raises(PaymentRejected) as err:
        await _gw(fake_stripe).create_intent(booking_id="b-tiny", reference="BK", amount=Decimal("0.10"),
                                             currency="USD")
    assert err.value.code == "amount_too_small"


async def test_idempotency_key_reuse_with_other_params_is_an_idempotency_error(fake_stripe):
    client = stripe.StripeClient(fake_stripe.api_key, base_addresses={"api": fake_stripe.url},
                                 http_client=stripe.HTTPXClient())
    opts = {"idempotency_key": "same-key-different-params"}
    first = await client.v1.payment_intents.create_async(params={"amount": 1000, "currency": "usd"}, options=opts)
    replay = await client.v1.payment_intents.create_async(params={"amount": 1000, "currency": "usd"}, options=opts)
    assert replay.id == first.id
    with pytest.raises(stripe.IdempotencyError):
        await client.v1.payment_intents.create_async(params={"amount": 2000, "currency": "usd"}, options=opts)


async def test_decline_has_stripes_error_shape(fake_stripe):
    client = stripe.StripeClient(fake_stripe.api_key, base_addresses={"api": fake_stripe.url},
                                 http_client=stripe.HTTPXClient())
    intent = await client.v1.payment_intents.create_async(params={"amount": 1000, "currency": "usd"})
    with pytest.raises(stripe.CardError) as err:
        await client.v1.payment_intents.confirm_async(intent.id, params={"payment_method": "pm_card_chargeDeclined"})
    assert err.value.http_status == 402
    assert err.value.code == "card_declined" and err.value.error.decline_code == "generic_decline"
    assert (await client.v1.payment_intents.retrieve_async(intent.id)).status == "requires_payment_method"
    with pytest.raises(stripe.InvalidRequestError) as err:
        await client.v1.payment_intents.confirm_async(intent.id, params={"payment_method": "pm_card_nonsense"})
    assert err.value.code == "resource_missing"


async def test_refund_bounds_at_the_provider(fake_stripe):
    gw = _gw(fake_stripe)
    intent_id = await gw.create_intent(booking_id="b-ref", reference="BK", amount=Decimal("10.00"), currency="USD")
    assert (await gw.confirm_intent(intent_id, "tok_visa")).status == "succeeded"
    with pytest.raises(PaymentRejected) as err:
        await gw.refund(intent_id, Decimal("10.01"), "USD", "refund-too-much")
    assert err.value.code == "amount_too_large"
    assert (await gw.refund(intent_id, Decimal("4.00"), "USD", "refund-a")).status == "succeeded"
    assert (await gw.refund(intent_id, Decimal("4.00"), "USD", "refund-a")).status == "succeeded"  # replay
    assert [r["amount"] for r in fake_stripe.refunds_for(intent_id)] == [400]
    assert await gw.create_refund(intent_id, amount=Decimal("6.00"), idempotency_key="refund-b")
    with pytest.raises(PaymentRejected) as err:
        await gw.refund(intent_id, Decimal("0.01"), "USD", "refund-c")
    assert err.value.code == "charge_already_refunded"


async def test_unreachable_provider_raises_unavailable(fake_stripe):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gw = StripeGateway(StripeSettings(fake_stripe.api_key, "x", f"http://127.0.0.1:{port}", max_network_retries=0))
    with pytest.raises(PaymentProviderUnavailable):
        await gw.create_intent(booking_id="b-down", reference="BK", amount=Decimal("10.00"), currency="USD")
    fake_stripe.fail_next(1, 503)  # saved under the key: the SDK's retries replay it, unavailable, not a crash
    with pytest.raises(PaymentProviderUnavailable) as err:
        await _gw(fake_stripe).create_intent(booking_id="b-5xx", reference="BK", amount=Decimal("10.00"),
                                             currency="USD")
    assert err.value.provider_answered and err.value.http_status == 503
