"""Login over HTTP: tokens, the cookie, logout and deactivation that revoke at once, throttling, the same answer
in the same time for a wrong email and a wrong password, secrets stored hashed (a database dump holds none)."""

import statistics
import subprocess
import sys
import time
import uuid

import httpx
import psycopg
import pytest

from testing.services import PG_BIN, TEST_ADMIN_TOKEN

from .conftest import BOOTSTRAP, PASSWORD, create_operator, login


def err(r: httpx.Response, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["code"] == code, r.text
    return body


def test_login_me_logout(http, cast):
    made = create_operator(http, "BOX_OFFICE", [cast.cinema_a])
    r = http.post("/api/auth/login", json={"email": made["email"].upper(), "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"token", "expiresAt", "operator"}
    assert body["operator"] == {"id": made["id"], "email": made["email"], "name": made["name"], "role": "BOX_OFFICE",
                                "cinemaIds": [cast.cinema_a]}
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"marquee_admin={body['token']};")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert attribute.lower() in cookie.lower(), cookie
    auth = {"Authorization": f"Bearer {body['token']}"}
    me = http.get("/api/auth/me", headers=auth).json()
    assert me["kind"] == "session" and me["operator"]["id"] == made["id"] and me["expiresAt"]
    # logout revokes at once: the very next call is refused
    assert http.post("/api/auth/logout", headers=auth).json() == {"loggedOut": True}
    err(http.get("/api/auth/me", headers=auth), 401, "UNAUTHORIZED")
    err(http.get(f"/api/admin/showtimes/{uuid.uuid4()}/bookings", headers=auth), 401, "UNAUTHORIZED")
    err(http.post("/api/auth/logout"), 401, "UNAUTHORIZED")


def test_the_cookie_works_for_pages_and_same_origin_writes_only(http, cast, api_server):
    token = login(http, cast["OWNER"].email)
    with httpx.Client(base_url=api_server, timeout=30, cookies={"marquee_admin": token}) as browser:
        assert browser.get("/api/auth/me").status_code == 200
        body = {"name": f"cookie {uuid.uuid4().hex[:6]}", "role": "DOOR", "cinemaIds": None}
        # no Origin, or another site's: the cookie is not a credential for a write
        err(browser.post("/api/admin/api-keys", json=body), 401, "UNAUTHORIZED")
        err(browser.post("/api/admin/api-keys", json=body, headers={"Origin": "https://evil.example"}), 401, "UNAUTHORIZED")
        host = api_server.removeprefix("http://")
        assert browser.post("/api/admin/api-keys", json=body, headers={"Origin": api_server}).status_code == 201, host


def test_deactivation_and_password_change_revoke_at_once(http, cast):
    made = create_operator(http, "MANAGER", [cast.cinema_a])
    one, two = login(http, made["email"]), login(http, made["email"])
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {one}"}).status_code == 200
    key = http.post("/api/admin/api-keys", headers={"Authorization": f"Bearer {login(http, cast['OWNER'].email)}"},
                    json={"name": "made by owner", "role": "DOOR", "cinemaIds": [cast.cinema_a]}).json()["key"]
    r = http.patch(f"/api/admin/operators/{made['id']}", headers=BOOTSTRAP, json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    for token in (one, two):
        err(http.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}), 401, "UNAUTHORIZED")
    err(http.post("/api/auth/login", json={"email": made["email"], "password": PASSWORD}), 401, "INVALID_CREDENTIALS")
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200, "another's key lives"
    # back, with a new password: the old one no longer works, the new one does, and old sessions stay dead
    r = http.patch(f"/api/admin/operators/{made['id']}", headers=BOOTSTRAP,
                   json={"active": True, "password": "a brand new password"})
    assert r.status_code == 200, r.text
    err(http.get("/api/auth/me", headers={"Authorization": f"Bearer {one}"}), 401, "UNAUTHORIZED")
    err(http.post("/api/auth/login", json={"email": made["email"], "password": PASSWORD}), 401, "INVALID_CREDENTIALS")
    fresh = login(http, made["email"], "a brand new password")
    # role and cinemas change at once too (nothing cached)
    auth = {"Authorization": f"Bearer {fresh}"}
    assert "seats.block" in http.get("/api/auth/me", headers=auth).json()["permissions"]
    http.patch(f"/api/admin/operators/{made['id']}", headers=BOOTSTRAP, json={"role": "ANALYST"}).raise_for_status()
    assert http.get("/api/auth/me", headers=auth).json()["permissions"] == ["reports.read"]
    # a revoked key: refused on the next call
    key_id = http.post("/api/admin/api-keys", headers=BOOTSTRAP,
                       json={"name": "to revoke", "role": "DOOR", "cinemaIds": None}).json()
    assert http.get("/api/auth/me", headers={"Authorization": f"Bearer {key_id['key']}"}).status_code == 200
    assert http.delete(f"/api/admin/api-keys/{key_id['id']}", headers=BOOTSTRAP).json()["revokedAt"]
    err(http.get("/api/auth/me", headers={"Authorization": f"Bearer {key_id['key']}"}), 401, "UNAUTHORIZED")


def test_operator_admin_errors(http, cast):
    made = create_operator(http, "DOOR", [cast.cinema_a])
    body = {"email": made["email"].upper(), "name": "X", "password": PASSWORD, "role": "DOOR", "cinemaIds": None}
    err(http.post("/api/admin/operators", headers=BOOTSTRAP, json=body), 409, "EMAIL_TAKEN")
    err(http.post("/api/admin/operators", headers=BOOTSTRAP, json={**body, "email": "short@pw.example", "password": "short"}),
        422, "VALIDATION_ERROR")
    err(http.post("/api/admin/operators", headers=BOOTSTRAP,
                  json={**body, "email": f"o{uuid.uuid4().hex[:6]}@x.example", "role": "OWNER", "cinemaIds": [cast.cinema_a]}),
        422, "VALIDATION_ERROR")
    err(http.post("/api/admin/operators", headers=BOOTSTRAP,
                  json={**body, "email": f"o{uuid.uuid4().hex[:6]}@x.example", "cinemaIds": [str(uuid.uuid4())]}),
        404, "CINEMA_NOT_FOUND")
    err(http.patch(f"/api/admin/operators/{uuid.uuid4()}", headers=BOOTSTRAP, json={"active": False}), 404,
        "OPERATOR_NOT_FOUND")
    err(http.delete(f"/api/admin/api-keys/{uuid.uuid4()}", headers=BOOTSTRAP), 404, "API_KEY_NOT_FOUND")
    # an owner cannot lock itself out
    owner = cast["OWNER"]
    err(http.patch(f"/api/admin/operators/{owner.id}", headers=owner.auth, json={"active": False}), 409, "CONFLICT")
    # cinemaIds: null = every cinema, absent = unchanged
    r = http.patch(f"/api/admin/operators/{made['id']}", headers=BOOTSTRAP, json={"cinemaIds": None})
    assert r.json()["cinemaIds"] is None
    r = http.patch(f"/api/admin/operators/{made['id']}", headers=BOOTSTRAP, json={"active": True})
    assert r.json()["cinemaIds"] is None


@pytest.fixture(scope="module")
def throttled(start_api, api_env):
    """A server of its own with low login limits (the engine settings as GUCs) that trusts X-Forwarded-For, so each
    test picks its own client address."""
    opts = ("-c marquee.login_max_failures_per_email=4 -c marquee.login_max_failures_per_ip=6 "
            "-c marquee.login_slow_after_failures=2")
    api = start_api({**api_env, "PGOPTIONS": opts, "TRUST_X_FORWARDED_FOR": "1"})
    with httpx.Client(base_url=api.url, timeout=60) as c:
        yield c


def test_failed_logins_are_slowed_then_refused(throttled, http, cast):
    made = create_operator(http, "DOOR", [cast.cinema_a])
    ip = {"X-Forwarded-For": "198.51.100.7"}
    took = []
    for _ in range(4):
        start = time.monotonic()
        err(throttled.post("/api/auth/login", json={"email": made["email"], "password": "wrong password"}, headers=ip),
            401, "INVALID_CREDENTIALS")
        took.append(time.monotonic() - start)
    # failures 3 and 4 waited 250 ms and 500 ms before their password was checked
    assert took[2] >= 0.25 and took[3] >= 0.5, took
    r = throttled.post("/api/auth/login", json={"email": made["email"], "password": PASSWORD}, headers=ip)
    body = err(r, 429, "TOO_MANY_LOGIN_ATTEMPTS")
    assert 1 <= int(r.headers["Retry-After"]) <= 15 * 60 and body["details"]["retryAfterSeconds"] == int(r.headers["Retry-After"])
    # even the right password: the email is locked for the window, from any address
    err(throttled.post("/api/auth/login", json={"email": made["email"], "password": PASSWORD},
                       headers={"X-Forwarded-For": "198.51.100.8"}), 429, "TOO_MANY_LOGIN_ATTEMPTS")
    # one address trying many emails is refused too (6 failures, whatever the emails)
    spray = {"X-Forwarded-For": "198.51.100.99"}
    for i in range(6):
        err(throttled.post("/api/auth/login", json={"email": f"spray{i}-{uuid.uuid4().hex[:4]}@x.example",
                                                    "password": "guess"}, headers=spray), 401, "INVALID_CREDENTIALS")
    err(throttled.post("/api/auth/login", json={"email": cast["OWNER"].email, "password": PASSWORD}, headers=spray),
        429, "TOO_MANY_LOGIN_ATTEMPTS")
    # elsewhere the owner logs in as usual
    assert throttled.post("/api/auth/login", json={"email": cast["OWNER"].email, "password": PASSWORD},
                          headers={"X-Forwarded-For": "198.51.100.100"}).status_code == 200


def test_a_wrong_email_and_a_wrong_password_look_the_same(http, cast):
    made = create_operator(http, "ANALYST", [cast.cinema_a])

    def attempt(email: str) -> float:
        start = time.perf_counter()
        r = http.post("/api/auth/login", json={"email": email, "password": "not the password"})
        elapsed = time.perf_counter() - start
        assert r.status_code == 401 and r.json() == {"error": {"code": "INVALID_CREDENTIALS",
                                                               "message": "wrong email or password", "details": {}}}
        return elapsed

    # alternate the two (fresh unknown emails; one failure each for the real one stays under the slow-down)
    wrong_email, wrong_password = [], []
    for i in range(2):
        wrong_email.append(attempt(f"nobody-{uuid.uuid4().hex[:8]}@ops.example"))
        wrong_password.append(attempt(made["email"]))
    for i in range(5):
        wrong_email.append(attempt(f"nobody-{uuid.uuid4().hex[:8]}@ops.example"))
        other = create_operator(http, "ANALYST", [cast.cinema_a])
        wrong_password.append(attempt(other["email"]))
    a, b = statistics.median(wrong_email), statistics.median(wrong_password)
    # both hash an argon2id digest (~30 ms); a shortcut for unknown emails would answer in ~2 ms
    assert min(a, b) > 0.015 and abs(a - b) < max(0.02, 0.35 * max(a, b)), (wrong_email, wrong_password)


def _dump(db_url: str) -> str:
    return subprocess.run([str(PG_BIN / "pg_dump"), "--data-only", "-n", "booking", db_url], check=True,
                          capture_output=True, text=True).stdout


def test_secrets_are_stored_hashed(http, cast, db_url):
    password = f"unique password {uuid.uuid4().hex}"
    made = create_operator(http, "MANAGER", [cast.cinema_a], password=password)
    twin = create_operator(http, "MANAGER", [cast.cinema_a], password=password)
    token = login(http, made["email"], password)
    key = http.post("/api/admin/api-keys", headers=BOOTSTRAP,
                    json={"name": "dump check", "role": "DOOR", "cinemaIds": None}).json()["key"]
    with psycopg.connect(db_url) as conn:
        rows = {r[0]: r[1:] for r in conn.execute(
            "SELECT id::text, password_kdf, password_hash, row_to_json(o)::text FROM booking.operators o WHERE id = ANY(%s::uuid[])",
            ([made["id"], twin["id"]],)).fetchall()}
    (kdf1, hash1, text1), (kdf2, hash2, _) = rows[made["id"]], rows[twin["id"]]
    assert password not in text1 and password.encode() not in bytes(hash1) and len(bytes(hash1)) == 32
    assert kdf1.startswith("$argon2id$v=19$") and kdf1 != kdf2 and hash1 != hash2, "a salt of its own each"
    dump = _dump(db_url)
    assert "operator_sessions" in dump and "api_keys" in dump
    for secret in (password, token, key, TEST_ADMIN_TOKEN):
        assert secret not in dump, "a database dump must hold no password, token or key"


def test_production_refuses_a_weak_admin_token(start_api, tmp_path, db_url):
    for token, why in [(None, "development default"), ("dev-admin-token", "development default"),
                       ("short-but-set", "characters long")]:
        env = {"MARQUEE_ENV": "production", "ADMIN_TOKEN": token or ""}
        with pytest.raises(RuntimeError, match="ADMIN_TOKEN") as exc:
            start_api(env)
        assert why in str(exc.value)
        run = subprocess.run([sys.executable, "-m", "marquee.migrate", "--database-url", db_url],
                             env={**_env(), **env}, capture_output=True, text=True, timeout=60)
        assert run.returncode != 0 and "ADMIN_TOKEN" in run.stderr and why in run.stderr, run.stderr
        assert "short-but-set" not in run.stderr, "the secret is never echoed"
    good = "p" * 40
    api = start_api({"MARQUEE_ENV": "production", "ADMIN_TOKEN": good})
    assert httpx.get(api.url + "/health/live").status_code == 200


def _env() -> dict:
    import os
    return {k: v for k, v in os.environ.items() if k not in ("ADMIN_TOKEN", "MARQUEE_ENV")}
