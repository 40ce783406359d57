-- Operator accounts, roles and per-cinema scopes (issue 18): who may do what, verified in the database.
-- The rules (which role holds which permission, how a credential is resolved) are sql/functions/03_operators.sql;
-- this file only holds state. docs/security.md explains the design.

CREATE TYPE booking.operator_role AS ENUM (
    'OWNER',       -- everything, in every cinema; manages operators and API keys
    'MANAGER',     -- catalogue, showtimes, prices, promo codes, blocks, channels, cancels and refunds, reports
    'BOX_OFFICE',  -- finds bookings, cancels within the policy, blocks and unblocks seats
    'DOOR',        -- check-in only
    'ANALYST'      -- reports only
);
COMMENT ON TYPE booking.operator_role IS 'The role of an operator or API key; booking.role_permissions says what each may do.';

-- What a permission is about: one cinema (checked against the operator's cinemas) or the whole chain (objects
-- that belong to no single cinema, such as movies and promo codes: only an operator of every cinema may).
CREATE TABLE booking.permissions (
    permission  text PRIMARY KEY CHECK (permission ~ '^[a-z_]+(\.[a-z_]+)*$'),
    scope       text NOT NULL CHECK (scope IN ('cinema', 'chain')),
    description text NOT NULL
);
COMMENT ON TABLE booking.permissions IS
    'Every permission booking.require() checks (rows written by sql/functions/03_operators.sql on each migrate).';
COMMENT ON COLUMN booking.permissions.permission IS 'Name passed to booking.require(), e.g. seats.block.';
COMMENT ON COLUMN booking.permissions.scope IS
    'cinema: allowed for the operator''s cinemas only; chain: needs an operator of all cinemas (cinema_ids NULL).';
COMMENT ON COLUMN booking.permissions.description IS 'What the permission allows, in words.';

CREATE TABLE booking.role_permissions (
    role       booking.operator_role NOT NULL,
    permission text NOT NULL REFERENCES booking.permissions ON DELETE CASCADE,
    PRIMARY KEY (role, permission)
);
COMMENT ON TABLE booking.role_permissions IS
    'Which role holds which permission (rows written by sql/functions/03_operators.sql on each migrate).';
COMMENT ON COLUMN booking.role_permissions.role IS 'The role.';
COMMENT ON COLUMN booking.role_permissions.permission IS 'A permission the role holds.';

CREATE TABLE booking.operators (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL CHECK (email = lower(btrim(email)) AND email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    display_name  text NOT NULL CHECK (btrim(display_name) <> '' AND length(display_name) <= 200),
    role          booking.operator_role NOT NULL,
    cinema_ids    uuid[] CHECK (cinema_ids IS NULL OR cardinality(cinema_ids) > 0),
    password_kdf  text NOT NULL CHECK (password_kdf ~ '^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+$'),
    password_hash bytea NOT NULL CHECK (length(password_hash) = 32),
    is_active     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL DEFAULT '',
    CONSTRAINT operators_owner_all_cinemas CHECK (role <> 'OWNER' OR cinema_ids IS NULL)
);
CREATE UNIQUE INDEX operators_email_key ON booking.operators (lower(email));
COMMENT ON TABLE booking.operators IS
    'People who run the cinemas: one role and a set of cinemas each. Passwords are never stored, only a verifier.';
COMMENT ON COLUMN booking.operators.id IS 'Operator id (named in the audit log with the email).';
COMMENT ON COLUMN booking.operators.email IS 'Login name, stored lower-case; unique whatever its case.';
COMMENT ON COLUMN booking.operators.display_name IS 'Name shown on the admin pages.';
COMMENT ON COLUMN booking.operators.role IS 'OWNER, MANAGER, BOX_OFFICE, DOOR or ANALYST (booking.role_permissions).';
COMMENT ON COLUMN booking.operators.cinema_ids IS 'The cinemas the operator acts for; NULL = all cinemas (always for OWNER).';
COMMENT ON COLUMN booking.operators.password_kdf IS
    'argon2id parameters and salt in PHC form ($argon2id$v=19$m=..,t=..,p=..$salt), without the digest: what the '
    'API needs to hash a password typed at login the same way.';
COMMENT ON COLUMN booking.operators.password_hash IS
    'SHA-256 of the argon2id digest of the password: login compares SHA-256 of the digest the API computed with it. '
    'Neither the password nor the digest itself is stored, so this column cannot be replayed.';
COMMENT ON COLUMN booking.operators.is_active IS 'false: the operator can no longer log in, and its sessions and keys stop working at once.';
COMMENT ON COLUMN booking.operators.created_at IS 'When the operator was created.';
COMMENT ON COLUMN booking.operators.updated_at IS 'Last change of role, cinemas, active flag or password.';
COMMENT ON COLUMN booking.operators.created_by IS 'Who created it (an operator''s email, an API key, a database role, or demo).';

CREATE TABLE booking.operator_sessions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    operator_id uuid NOT NULL REFERENCES booking.operators,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    client_ip   inet
);
CREATE INDEX operator_sessions_operator ON booking.operator_sessions (operator_id) WHERE revoked_at IS NULL;
COMMENT ON TABLE booking.operator_sessions IS
    'Logins: a random bearer token per login, stored as its SHA-256 only; valid until expires_at unless revoked.';
COMMENT ON COLUMN booking.operator_sessions.id IS 'Session id.';
COMMENT ON COLUMN booking.operator_sessions.operator_id IS 'Who logged in.';
COMMENT ON COLUMN booking.operator_sessions.token_hash IS 'SHA-256 of the session token (the token itself is never stored).';
COMMENT ON COLUMN booking.operator_sessions.created_at IS 'Login time.';
COMMENT ON COLUMN booking.operator_sessions.expires_at IS 'Login time plus the operator_session_hours setting (OPERATOR_SESSION_HOURS).';
COMMENT ON COLUMN booking.operator_sessions.revoked_at IS 'Logout, password change or deactivation of the operator; NULL while valid.';
COMMENT ON COLUMN booking.operator_sessions.client_ip IS 'Address the login came from (as the API saw it).';

CREATE TABLE booking.api_keys (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    role       booking.operator_role NOT NULL,
    cinema_ids uuid[] CHECK (cinema_ids IS NULL OR cardinality(cinema_ids) > 0),
    key_hash   bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
    key_prefix text NOT NULL,
    is_bootstrap boolean NOT NULL DEFAULT false,
    created_by uuid REFERENCES booking.operators,
    created_by_name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CONSTRAINT api_keys_owner_all_cinemas CHECK (role <> 'OWNER' OR cinema_ids IS NULL)
);
CREATE UNIQUE INDEX api_keys_one_bootstrap ON booking.api_keys (is_bootstrap) WHERE is_bootstrap AND revoked_at IS NULL;
COMMENT ON TABLE booking.api_keys IS
    'Keys for machines (scanners, BI export jobs, integrations): a role and cinemas like an operator, stored as '
    'SHA-256 only. The bootstrap key is SHA-256(ADMIN_TOKEN), replaced by every migrate.';
COMMENT ON COLUMN booking.api_keys.id IS 'Key id (named in the audit log).';
COMMENT ON COLUMN booking.api_keys.name IS 'What the key is for, e.g. "door scanner 3".';
COMMENT ON COLUMN booking.api_keys.role IS 'The role the key acts with.';
COMMENT ON COLUMN booking.api_keys.cinema_ids IS 'The cinemas the key acts for; NULL = all cinemas.';
COMMENT ON COLUMN booking.api_keys.key_hash IS 'SHA-256 of the key (the key is shown once, when created, and never stored).';
COMMENT ON COLUMN booking.api_keys.key_prefix IS 'The first characters of the key, to recognise it in lists (not enough to use it).';
COMMENT ON COLUMN booking.api_keys.is_bootstrap IS 'true for the key made from ADMIN_TOKEN by migrate (an OWNER key; one live at a time).';
COMMENT ON COLUMN booking.api_keys.created_by IS 'The operator who created it (NULL: migrate or a database role); the key stops working when that operator is deactivated.';
COMMENT ON COLUMN booking.api_keys.created_by_name IS 'Who created it, as the audit log names them.';
COMMENT ON COLUMN booking.api_keys.created_at IS 'When it was created.';
COMMENT ON COLUMN booking.api_keys.revoked_at IS 'When it was revoked (DELETE /api/admin/api-keys/{id}, or replaced bootstrap key); NULL while valid.';

-- Login attempts, for throttling: a row per attempt, written BEFORE the password is checked (an attempt that never
-- finishes counts as failed); a successful login marks its row and forgives the email's earlier failures.
CREATE TABLE booking.login_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    client_ip   inet,
    at          timestamptz NOT NULL,
    operator_id uuid,
    finished_at timestamptz,
    succeeded   boolean NOT NULL DEFAULT false,
    forgiven    boolean NOT NULL DEFAULT false
);
CREATE INDEX login_attempts_email ON booking.login_attempts (email, at);
CREATE INDEX login_attempts_ip ON booking.login_attempts (client_ip, at);
COMMENT ON TABLE booking.login_attempts IS
    'Recent login attempts per email and client address (throttling: docs/security.md); rows older than a day are purged by new attempts.';
COMMENT ON COLUMN booking.login_attempts.id IS 'Attempt id (the API finishes the attempt with it).';
COMMENT ON COLUMN booking.login_attempts.email IS 'The email typed, lower-case (whether or not an operator has it).';
COMMENT ON COLUMN booking.login_attempts.client_ip IS 'The client address as the API saw it.';
COMMENT ON COLUMN booking.login_attempts.at IS 'When the attempt started.';
COMMENT ON COLUMN booking.login_attempts.operator_id IS 'The operator with that email, if any.';
COMMENT ON COLUMN booking.login_attempts.finished_at IS 'When the password was checked (NULL: never finished, counts as failed).';
COMMENT ON COLUMN booking.login_attempts.succeeded IS 'true when the password was right.';
COMMENT ON COLUMN booking.login_attempts.forgiven IS 'A failure no longer counted for its email (a later successful login of that email).';

-- Server-side secrets that never leave the database (the salt key for emails no operator has: a login for an
-- unknown email is hashed with a salt derived from it, the same each time, so nothing tells the two cases apart).
CREATE TABLE booking.auth_secrets (
    name   text PRIMARY KEY,
    secret bytea NOT NULL
);
INSERT INTO booking.auth_secrets (name, secret)
VALUES ('unknown_email_salt', uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
COMMENT ON TABLE booking.auth_secrets IS 'Random secrets made once by this migration and used only inside the database.';
COMMENT ON COLUMN booking.auth_secrets.name IS 'What the secret is for.';
COMMENT ON COLUMN booking.auth_secrets.secret IS 'Random bytes (gen_random_uuid''s strong random source).';

-- Who acted, as booking.require() returns it to the functions and the audit log records it.
CREATE TYPE booking.actor AS (
    kind        text,                   -- session | api_key | database
    operator_id uuid,                   -- the operator (of a session, or who created an API key)
    api_key_id  uuid,                   -- the API key acting, if any
    email       text,                   -- the operator's email (NULL for API keys and database roles)
    name        text,                   -- display name, key name or database role
    role        booking.operator_role,
    cinema_ids  uuid[],                 -- NULL = all cinemas
    label       text                    -- how logs and histories name it: email, "api-key:<name>", "db:<role>"
);
COMMENT ON TYPE booking.actor IS
    'The verified actor of an operator function (booking.require): session, api_key or database (a DBA in psql).';

-- The audit trail names the verified actor, never a free argument.
ALTER TABLE booking.audit_log
    ADD COLUMN actor_kind text,
    ADD COLUMN operator_id uuid,
    ADD COLUMN operator_email text,
    ADD COLUMN api_key_id uuid,
    ADD COLUMN db_role text;
COMMENT ON TABLE booking.audit_log IS 'Every operator action: who (verified), what, when.';
COMMENT ON COLUMN booking.audit_log.id IS 'Entry id, in order of writing.';
COMMENT ON COLUMN booking.audit_log.at IS 'Transaction time of the action.';
COMMENT ON COLUMN booking.audit_log.actor IS 'Who, in words: the operator''s email, api-key:<name>, db:<role> (a DBA), or a job name.';
COMMENT ON COLUMN booking.audit_log.action IS 'What was done, e.g. seats.block, booking.cancel.override.';
COMMENT ON COLUMN booking.audit_log.entity IS 'Kind of object acted on (showtime, booking, operator...).';
COMMENT ON COLUMN booking.audit_log.entity_id IS 'Id of the object acted on.';
COMMENT ON COLUMN booking.audit_log.details IS 'The action''s arguments and outcome (never a password, token or key).';
COMMENT ON COLUMN booking.audit_log.actor_kind IS 'session, api_key, database, or NULL for entries written before issue 18 / by jobs.';
COMMENT ON COLUMN booking.audit_log.operator_id IS 'The operator who acted (a session''s, or the creator of the API key).';
COMMENT ON COLUMN booking.audit_log.operator_email IS 'That operator''s email at the time.';
COMMENT ON COLUMN booking.audit_log.api_key_id IS 'The API key that acted, if any.';
COMMENT ON COLUMN booking.audit_log.db_role IS 'The database role of the connection (booking_api for the API, a DBA''s own role in psql).';
