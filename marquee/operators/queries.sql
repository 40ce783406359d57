-- Login, sessions, operator admin and API keys: each a call of a booking.* function (sql/functions/03_operators.sql).
-- Operator admin runs inside marquee/http/auth.py as_operator (the credential in the transaction).

-- name: login_begin
SELECT attempt_id, password_kdf, delay_ms FROM booking.login_begin(%(email)s, %(client_ip)s::inet);

-- name: login_finish
SELECT ok, token, expires_at, operator FROM booking.login_finish(%(attempt_id)s, %(digest)s);

-- name: logout
SELECT booking.logout();

-- name: whoami
SELECT booking.whoami()::text;

-- name: create_operator
SELECT booking.create_operator(%(email)s, %(name)s, %(role)s, %(cinema_ids)s::uuid[], %(kdf)s, %(digest)s);

-- name: update_operator
SELECT booking.update_operator(%(operator_id)s, %(role)s, %(cinema_ids)s::jsonb, %(active)s, %(kdf)s, %(digest)s);

-- name: list_operators
SELECT booking.list_operators()::text;

-- name: create_api_key
SELECT id, key FROM booking.create_api_key(%(name)s, %(role)s, %(cinema_ids)s::uuid[]);

-- name: list_api_keys
SELECT booking.list_api_keys()::text;

-- name: revoke_api_key
SELECT booking.revoke_api_key(%(api_key_id)s);

-- name: require_operators_manage
SELECT (booking.require('operators.manage')).kind;
-- The demo's operators (marquee/operators/demo.py, migrate --demo as the migrating superuser).

-- name: demo_cinema
SELECT id FROM booking.cinemas WHERE name = %(name)s;

-- name: demo_operator_kdf
SELECT booking_internal.operator_kdf(%(email)s);

-- name: demo_ensure_operator
SELECT booking_internal.ensure_operator(%(email)s, %(name)s, %(role)s::booking.operator_role, %(cinema_ids)s::uuid[],
                                        %(kdf)s, %(digest)s, 'demo');
