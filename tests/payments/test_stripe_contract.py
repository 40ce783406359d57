"""Contract: every body the fake Stripe returns, and every event it emits, is valid for Stripe's published OpenAPI
description of that operation (tests/payments/stripe_openapi/spec3.excerpt.json: an excerpt, with its API version,
source repository, commit and date in its x-excerpt block).

The excerpt is OpenAPI 3.0 (`nullable`); it is turned into JSON Schema the standard way (nullable: true adds null to
the type, to an enum, and as one more alternative of an anyOf) and validated with the jsonschema package."""

import json
import re
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft202012Validator

from testing.stripe import API_VERSION, FakeStripe

SPEC = json.loads((Path(__file__).parent / "stripe_openapi" / "spec3.excerpt.json").read_text())
OPERATIONS = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", op.split(" ", 1)[1]) + "$"), op.split(" ", 1)[0], op)
              for op in SPEC["operations"] if " /" in op]


def _json_schema(node):
    """OpenAPI 3.0 -> JSON Schema: `nullable: true` allows null (in type, enum and anyOf alike)."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        if "anyOf" in out:
            out["anyOf"] = [*out["anyOf"], {"type": "null"}]
    return out


COMPONENTS = _json_schema(SPEC["components"])


def _validator(ref: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": ref, "components": COMPONENTS})


VALIDATORS = {ref: _validator(ref) for ref in {r["$ref"] for op in SPEC["operations"].values() for r in op.values()}}
OBJECTS = {name: _validator(f"#/components/schemas/{name}") for name in ("payment_intent", "charge", "refund")}


def _operation(method: str, path: str) -> str:
    for pattern, m, op in OPERATIONS:
        if m == method and pattern.match(path):
            return op
    raise AssertionError(f"the fake answered {method} {path}, an operation the excerpt does not describe")


def _problems(responses, events) -> list[str]:
    problems = []
    for method, path, status, body in responses:
        op = _operation(method, path)
        ref = SPEC["operations"][op]["200" if 200 <= status < 300 else "default"]["$ref"]
        for err in VALIDATORS[ref].iter_errors(body):
            problems.append(f"{op} -> {status}: {'/'.join(map(str, err.absolute_path))}: {err.message}")
    for event in events:
        for err in VALIDATORS["#/components/schemas/event"].iter_errors(event):
            problems.append(f"event {event['type']}: {err.message}")
        obj = event["data"]["object"]
        if obj.get("object") in OBJECTS:
            for err in OBJECTS[obj["object"]].iter_errors(obj):
                problems.append(f"event {event['type']} data.object: {'/'.join(map(str, err.absolute_path))}: "
                                f"{err.message}")
        if event.get("api_version") != API_VERSION:
            problems.append(f"event {event['type']}: api_version {event.get('api_version')} != {API_VERSION}")
    return problems


def test_the_excerpt_records_its_version_source_and_date():
    meta = SPEC["x-excerpt"]
    assert meta["api_version"] == API_VERSION
    assert "stripe/openapi" in meta["source"] and re.search(r"\b[0-9a-f]{40}\b", meta["source"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", meta["transcribed"]) and "EXCERPT" in meta["what"]


def test_the_validator_catches_what_stripe_would_never_send():
    good = {"id": "re_1", "object": "refund", "amount": 100, "currency": "usd", "created": 1, "status": None}
    assert not list(OBJECTS["refund"].iter_errors(good))  # status is nullable
    assert list(OBJECTS["refund"].iter_errors({**good, "failure_reason": None}))  # not nullable in the spec
    assert list(OBJECTS["refund"].iter_errors({**good, "pending_reason": "waiting"}))  # not in the enum
    charge = {"id": "ch_1", "object": "charge", "amount": 1, "amount_captured": 1, "amount_refunded": 0,
              "billing_details": {}, "captured": True, "created": 1, "currency": "usd", "disputed": False,
              "livemode": False, "metadata": {}, "paid": True, "refunded": False, "status": "succeeded"}
    assert not list(OBJECTS["charge"].iter_errors(charge))  # no refunds: fine since 2022-11-15
    assert list(OBJECTS["charge"].iter_errors({k: v for k, v in charge.items() if k != "captured"}))


def _scenario(fake: FakeStripe) -> None:
    """Every operation and state the fake has, answered and announced."""
    auth = {"Authorization": f"Bearer {fake.api_key}"}

    def post(path, data, key=None):
        return httpx.post(fake.url + path, data=data, headers={**auth, **({"Idempotency-Key": key} if key else {})})

    def get(path, **params):
        return httpx.get(fake.url + path, params=params, headers=auth)

    def intent(token=None, **extra):
        data = {"amount": 2000, "currency": "usd", "metadata[booking_id]": "b-1", **extra}
        pi = post("/v1/payment_intents", data).json()
        if token:
            post(f"/v1/payment_intents/{pi['id']}/confirm", {"payment_method_data[type]": "card",
                                                              "payment_method_data[card][token]": token})
        return pi["id"]

    paid = intent("tok_visa")
    get(f"/v1/payment_intents/{paid}")
    post(f"/v1/payment_intents/{paid}/confirm", {"payment_method": "pm_card_visa"})  # 400 unexpected state
    post(f"/v1/payment_intents/{paid}/cancel", {})                                    # 400
    declined = intent("tok_chargeDeclined")                                            # 402 card_error
    get(f"/v1/payment_intents/{declined}")
    post(f"/v1/payment_intents/{declined}/cancel", {"cancellation_reason": "abandoned"})
    three_ds = intent()
    post(f"/v1/payment_intents/{three_ds}/confirm", {"payment_method": "pm_card_threeDSecure2Required",
                                                     "return_url": "http://shop.test/back"})
    get(f"/v1/payment_intents/{three_ds}")
    fake.complete_3ds(three_ds, success=False)
    post(f"/v1/payment_intents/{three_ds}/confirm", {"payment_method": "pm_card_authenticationRequired"})
    get(f"/v1/payment_intents/{three_ds}")  # use_stripe_sdk
    fake.complete_3ds(three_ds)
    processing = intent("tok_fakeProcessing")
    get(f"/v1/payment_intents/{processing}")
    fake.settle_intent(processing, "failed")
    get(f"/v1/payment_intents/{processing}")
    post("/v1/payment_intents", {"amount": 10, "currency": "usd"})                 # 400 amount_too_small
    post("/v1/payment_intents", {"amount": 100_000_000, "currency": "usd"})        # 400 amount_too_large
    post("/v1/payment_intents", {"amount": 1000, "currency": "xyz"})               # 400 currency
    get("/v1/payment_intents/pi_missing")                                          # 404
    for token in ("tok_visa", "tok_pendingRefund", "tok_refundFail"):
        pi = intent(token)
        r1 = post("/v1/refunds", {"payment_intent": pi, "amount": 500, "metadata[refund_id]": "r-1"}, key=f"k-{pi}")
        post("/v1/refunds", {"payment_intent": pi, "amount": 500, "metadata[refund_id]": "r-1"}, key=f"k-{pi}")
        post("/v1/refunds", {"payment_intent": pi, "amount": 700}, key=f"k-{pi}")   # 400 idempotency_error
        if r1.json()["status"] == "pending":
            fake.settle_refund(r1.json()["id"], "succeeded")
        elif token == "tok_refundFail":
            fake.settle_refund(r1.json()["id"], "failed")
        get(f"/v1/refunds/{r1.json()['id']}")
        post("/v1/refunds", {"payment_intent": pi, "amount": 5000})                 # 400 amount_too_large
        post("/v1/refunds", {"payment_intent": pi})
        post("/v1/refunds", {"payment_intent": pi})                                 # 400 charge_already_refunded
        get("/v1/refunds", payment_intent=pi, limit=2)
    fake.next_refund_status = "failed"
    post("/v1/refunds", {"payment_intent": intent("tok_visa")})
    get("/v1/refunds/re_missing")                                                  # 404
    fake.fail_next(1, 500)
    post("/v1/payment_intents", {"amount": 1000, "currency": "usd"}, key="k-500")   # saved 500
    post("/v1/payment_intents", {"amount": 1000, "currency": "usd"}, key="k-500")   # replayed 500
    fake.delay_next(0.5)
    import threading
    t = threading.Thread(target=post, args=("/v1/payment_intents", {"amount": 1000, "currency": "usd"}, "k-409"))
    t.start()
    import time
    time.sleep(0.2)
    post("/v1/payment_intents", {"amount": 1000, "currency": "usd"}, key="k-409")   # 409 idempotency_error
    t.join()


def test_every_answer_and_event_of_the_fake_matches_stripes_openapi_description():
    fake = FakeStripe()
    fake.start()
    try:
        _scenario(fake)
    finally:
        fake.stop()
    statuses = {status for *_r, status, _b in fake.responses}
    assert {200, 400, 402, 404, 409, 500} <= statuses
    types = {e["type"] for e in fake.events}
    assert {"payment_intent.created", "payment_intent.succeeded", "payment_intent.payment_failed",
            "payment_intent.requires_action", "payment_intent.processing", "payment_intent.canceled",
            "charge.succeeded", "charge.failed", "charge.pending", "charge.refunded", "refund.created",
            "refund.updated", "refund.failed", "charge.refund.updated"} <= types
    problems = _problems(fake.responses, fake.events)
    assert problems == [], "\n".join(problems[:30])


def test_what_the_session_fake_answered_the_other_tests_matches_too(fake_stripe):
    """Whatever the payments tests made the shared fake answer so far (they run before this module)."""
    with fake_stripe.lock:
        responses, events = list(fake_stripe.responses), list(fake_stripe.events)
    problems = _problems(responses, events)
    assert problems == [], "\n".join(problems[:30])


@pytest.mark.parametrize("body", [{"error": {"message": "no type"}}, {"oops": 1}])
def test_an_error_body_without_stripes_shape_is_refused(body):
    assert list(VALIDATORS["#/components/schemas/error"].iter_errors(body))
