-- Operators, roles and per-cinema scopes (issue 18; docs/security.md): who is acting, verified in the database.
--
-- The API passes the raw bearer credential it received (a session token, an API key, or ADMIN_TOKEN, the
-- bootstrap OWNER key) into the transaction: SELECT set_config('marquee.credential', <token>, true). Every operator
-- function first calls booking.require(permission, cinema), which hashes that credential (SHA-256) and looks it
-- up: a live session of an active operator, or an unrevoked API key (whose creator, if any, is active). Nothing
-- is cached between calls: a logout, a revoked key or a deactivated operator stops working on the next call.
-- booking_api holds no table rights, so it can only present a credential, never name an actor.
-- A DBA in psql (a superuser or a member of booking_admin) with no credential set acts as an OWNER, named by
-- its database role (db:<role>); booking_api and booking_worker without a valid credential are refused.

-- ---------------------------------------------------------------------------------------------------------------
-- Permissions: what each role may do (rows kept in step with this file on every migrate)

INSERT INTO booking.permissions (permission, scope, description)
SELECT * FROM (VALUES
    ('operators.manage',   'chain',  'Create, change and deactivate operators; create, list and revoke API keys.'),
    ('cinemas.create',     'chain',  'Create a cinema.'),
    ('cinemas.update',     'cinema', 'Change a cinema''s name, city, time zone or currency.'),
    ('auditoriums.manage', 'cinema', 'Create auditoriums, take seats out of service, link companion seats, set the focal point.'),
    ('movies.manage',      'chain',  'Create and change movies (one catalogue shared by every cinema).'),
    ('showtimes.manage',   'cinema', 'Schedule showtimes, take them off sale, set their lone-seat rule.'),
    ('prices.manage',      'cinema', 'Set the prices of a showtime.'),
    ('promo_codes.manage', 'chain',  'Create, enable and disable promo codes (valid in every cinema).'),
    ('seats.block',        'cinema', 'Block and unblock seats of a showtime.'),
    ('channels.manage',    'cinema', 'Allocate seats to sales channels and release them.'),
    ('bookings.read',      'cinema', 'Find bookings, list a showtime''s bookings, read seat histories.'),
    ('bookings.cancel',    'cinema', 'Cancel a booking on a customer''s behalf within the cancellation policy, refunding what was paid.'),
    ('bookings.refund',    'cinema', 'Choose the refund amount of a cancellation (other than everything refundable).'),
    ('bookings.override',  'cinema', 'Cancel inside the cancellation cutoff (override the policy).'),
    ('reports.read',       'cinema', 'Read reports and export them as CSV.'),
    ('outbox.manage',      'cinema', 'See notification emails parked after failing and send them again.'),
    ('mail.read',          'chain',  'Read the demo mailbox (development).'),
    ('checkin',            'cinema', 'Admit ticket holders at the door (check-in).')
) AS p(permission, scope, description)
ON CONFLICT (permission) DO UPDATE SET scope = EXCLUDED.scope, description = EXCLUDED.description;

DELETE FROM booking.role_permissions;
INSERT INTO booking.role_permissions (role, permission)
SELECT 'OWNER', permission FROM booking.permissions
UNION ALL
SELECT r.role::booking.operator_role, p.permission FROM (VALUES
    ('MANAGER',    ARRAY['cinemas.update', 'auditoriums.manage', 'movies.manage', 'showtimes.manage', 'prices.manage',
                         'promo_codes.manage', 'seats.block', 'channels.manage', 'bookings.read', 'bookings.cancel',
                         'bookings.refund', 'bookings.override', 'reports.read', 'outbox.manage', 'checkin']),
    ('BOX_OFFICE', ARRAY['seats.block', 'bookings.read', 'bookings.cancel']),
    ('DOOR',       ARRAY['checkin']),
    ('ANALYST',    ARRAY['reports.read'])
) AS r(role, permissions), unnest(r.permissions) AS p(permission);
DELETE FROM booking.permissions p
 WHERE NOT EXISTS (SELECT 1 FROM booking.role_permissions r WHERE r.permission = p.permission);

-- ---------------------------------------------------------------------------------------------------------------
-- Resolving the actor

-- The database role the caller is connected as (after any SET ROLE; inside SECURITY DEFINER current_user is the
-- owner, but the role setting still names the caller's).
CREATE FUNCTION booking_internal.db_role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END
$$;
COMMENT ON FUNCTION booking_internal.db_role() IS 'The caller''s database role: the SET ROLE in force, else the session user.';

-- Who is acting: the operator or API key behind marquee.credential, a DBA, or NULL (no valid credential).
CREATE FUNCTION booking_internal.current_actor() RETURNS booking.actor LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_cred text := current_setting('marquee.credential', true);
    v_hash bytea;
    v_now  timestamptz;
    v_role text;
    v      booking.actor;
BEGIN
    IF v_cred IS NULL OR v_cred = '' THEN
        v_role := booking_internal.db_role();
        -- superusers count as members of every role
        IF pg_has_role(v_role, 'booking_admin', 'MEMBER') THEN
            RETURN ROW('database', NULL, NULL, NULL, v_role, 'OWNER', NULL, 'db:' || v_role)::booking.actor;
        END IF;
        RETURN NULL;
    END IF;
    IF length(v_cred) > 512 THEN
        RETURN NULL;
    END IF;
    v_hash := sha256(convert_to(v_cred, 'UTF8'));
    v_now := booking.clock();
    SELECT 'session', o.id, NULL, o.email, o.display_name, o.role, o.cinema_ids, o.email INTO v
      FROM booking.operator_sessions s JOIN booking.operators o ON o.id = s.operator_id
     WHERE s.token_hash = v_hash AND s.revoked_at IS NULL AND s.expires_at > v_now AND o.is_active;
    IF FOUND THEN
        RETURN v;
    END IF;
    SELECT 'api_key', k.created_by, k.id, NULL, k.name, k.role, k.cinema_ids, 'api-key:' || k.name INTO v
      FROM booking.api_keys k LEFT JOIN booking.operators o ON o.id = k.created_by
     WHERE k.key_hash = v_hash AND k.revoked_at IS NULL AND (k.created_by IS NULL OR o.is_active);
    IF FOUND THEN
        RETURN v;
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION booking_internal.current_actor() IS
    'The verified actor of this transaction: SHA-256(marquee.credential) as a live session or API key, a DBA '
    '(superuser or booking_admin member, no credential set), else NULL. Never cached.';

-- Whether an actor's cinemas include a cinema (NULL cinemas = all).
CREATE FUNCTION booking_internal.in_scope(p_actor booking.actor, p_cinema_id uuid) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_actor.cinema_ids IS NULL OR p_cinema_id = ANY (p_actor.cinema_ids)
$$;
COMMENT ON FUNCTION booking_internal.in_scope(booking.actor, uuid) IS 'true when the actor acts for every cinema or for this one.';

-- NULL when allowed, else why not (the FORBIDDEN message and details).
CREATE FUNCTION booking_internal.refusal(p_actor booking.actor, p_permission text, p_cinema_id uuid,
                                         OUT message text, OUT details jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_scope text;
BEGIN
    SELECT p.scope INTO v_scope FROM booking.permissions p WHERE p.permission = p_permission;
    IF v_scope IS NULL THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', format('unknown permission %L', p_permission),
            jsonb_build_object('permission', p_permission));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM booking.role_permissions r WHERE r.role = p_actor.role AND r.permission = p_permission) THEN
        message := format('the %s role may not do this (%s)', p_actor.role, p_permission);
        details := jsonb_build_object('permission', p_permission, 'role', p_actor.role);
    ELSIF v_scope = 'chain' AND p_actor.cinema_ids IS NOT NULL THEN
        message := format('this needs an operator of every cinema (%s)', p_permission);
        details := jsonb_build_object('permission', p_permission, 'role', p_actor.role, 'scope', 'chain');
    ELSIF p_cinema_id IS NOT NULL AND NOT booking_internal.in_scope(p_actor, p_cinema_id) THEN
        message := format('not allowed for this cinema (%s)', p_permission);
        details := jsonb_build_object('permission', p_permission, 'role', p_actor.role, 'cinemaId', p_cinema_id);
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.refusal(booking.actor, text, uuid) IS
    'Why an actor may not use a permission (for a cinema): role, chain scope or cinema; NULLs when it may.';

-- The gate of every operator function.
CREATE FUNCTION booking.require(p_permission text, p_cinema_id uuid DEFAULT NULL) RETURNS booking.actor
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v booking.actor := booking_internal.current_actor();
    r record;
BEGIN
    IF v.kind IS NULL THEN
        PERFORM booking_internal.raise_error('UNAUTHORIZED',
            CASE WHEN coalesce(current_setting('marquee.credential', true), '') = ''
                 THEN 'an operator credential is required: log in, or send an API key as Authorization: Bearer'
                 ELSE 'the credential is unknown, expired or revoked' END,
            jsonb_build_object('permission', p_permission));
    END IF;
    r := booking_internal.refusal(v, p_permission, p_cinema_id);
    IF r.message IS NOT NULL THEN
        PERFORM booking_internal.raise_error('FORBIDDEN', r.message, r.details);
    END IF;
    RETURN v;
END $$;
COMMENT ON FUNCTION booking.require(text, uuid) IS
    'Returns the verified actor if it holds the permission (booking.role_permissions) for the cinema (NULL: the '
    'object has none, or is unknown), else raises UNAUTHORIZED (no valid credential in marquee.credential) or '
    'FORBIDDEN (role, chain scope or cinema); VALIDATION_ERROR for an unknown permission. Every operator function calls it first.';

CREATE FUNCTION booking.may(p_permission text, p_cinema_id uuid DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v booking.actor := booking_internal.current_actor();
BEGIN
    RETURN v.kind IS NOT NULL AND (booking_internal.refusal(v, p_permission, p_cinema_id)).message IS NULL;
END $$;
COMMENT ON FUNCTION booking.may(text, uuid) IS
    'Whether the current actor may use a permission (for a cinema), without raising: false without a valid credential. '
    'Raises VALIDATION_ERROR only for a permission that does not exist.';

-- The cinema an object belongs to (NULL when the object does not exist: booking.require then checks the role only
-- and the function raises its own *_NOT_FOUND next).
CREATE FUNCTION booking_internal.showtime_cinema(p_showtime_id uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT a.cinema_id FROM booking.showtimes st JOIN booking.auditoriums a ON a.id = st.auditorium_id
     WHERE st.id = p_showtime_id
$$;
COMMENT ON FUNCTION booking_internal.showtime_cinema(uuid) IS 'Cinema of a showtime (NULL if unknown).';
CREATE FUNCTION booking_internal.auditorium_cinema(p_auditorium_id uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT a.cinema_id FROM booking.auditoriums a WHERE a.id = p_auditorium_id
$$;
COMMENT ON FUNCTION booking_internal.auditorium_cinema(uuid) IS 'Cinema of an auditorium (NULL if unknown).';
CREATE FUNCTION booking_internal.booking_cinema(p_booking_id uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT a.cinema_id FROM booking.bookings b JOIN booking.showtimes st ON st.id = b.showtime_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id WHERE b.id = p_booking_id
$$;
COMMENT ON FUNCTION booking_internal.booking_cinema(uuid) IS 'Cinema of a booking (NULL if unknown).';

-- Audit an action of a verified actor: who (operator id and email, API key, database role), what, when.
CREATE FUNCTION booking_internal.audit(p_actor booking.actor, p_action text, p_entity text, p_entity_id text,
                                       p_details jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
    INSERT INTO booking.audit_log (actor, action, entity, entity_id, details, actor_kind, operator_id, operator_email,
                                   api_key_id, db_role)
    VALUES (coalesce(p_actor.label, 'unknown'), p_action, p_entity, p_entity_id, coalesce(p_details, '{}'), p_actor.kind,
            p_actor.operator_id,
            coalesce(p_actor.email, (SELECT o.email FROM booking.operators o WHERE o.id = p_actor.operator_id)),
            p_actor.api_key_id, booking_internal.db_role())
$$;
COMMENT ON FUNCTION booking_internal.audit(booking.actor, text, text, text, jsonb) IS
    'Appends an action of a verified actor to booking.audit_log (operator id and email, API key, database role).';

-- ---------------------------------------------------------------------------------------------------------------
-- Operators and their JSON

CREATE FUNCTION booking_internal.operator_json(o booking.operators) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', o.id, 'email', o.email, 'name', o.display_name, 'role', o.role,
                              'cinemaIds', to_jsonb(o.cinema_ids), 'active', o.is_active,
                              'createdAt', o.created_at, 'updatedAt', o.updated_at)
$$;
COMMENT ON FUNCTION booking_internal.operator_json(booking.operators) IS 'An operator as JSON (never its password verifier).';

-- Validate a role name and a cinema list for an operator or key; returns the role.
CREATE FUNCTION booking_internal.checked_role(p_role text, p_cinema_ids uuid[]) RETURNS booking.operator_role
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_missing uuid[];
BEGIN
    IF p_role IS NULL OR p_role NOT IN (SELECT unnest(enum_range(NULL::booking.operator_role))::text) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'role must be OWNER, MANAGER, BOX_OFFICE, DOOR or ANALYST',
            jsonb_build_object('field', 'role'));
    END IF;
    IF p_cinema_ids IS NOT NULL AND (cardinality(p_cinema_ids) = 0 OR array_position(p_cinema_ids, NULL) IS NOT NULL) THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'cinemaIds must list at least one cinema, or be null for all',
            jsonb_build_object('field', 'cinemaIds'));
    END IF;
    IF p_role = 'OWNER' AND p_cinema_ids IS NOT NULL THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'an OWNER acts for every cinema: cinemaIds must be null',
            jsonb_build_object('field', 'cinemaIds'));
    END IF;
    SELECT array_agg(c) INTO v_missing FROM unnest(p_cinema_ids) c
     WHERE NOT EXISTS (SELECT 1 FROM booking.cinemas x WHERE x.id = c);
    IF v_missing IS NOT NULL THEN
        PERFORM booking_internal.raise_error('CINEMA_NOT_FOUND', 'unknown cinema ids: ' || array_to_string(v_missing, ', '),
            jsonb_build_object('cinemaIds', to_jsonb(v_missing)));
    END IF;
    RETURN p_role::booking.operator_role;
END $$;
COMMENT ON FUNCTION booking_internal.checked_role(text, uuid[]) IS
    'The role, after checking it and the cinema list (OWNER: all cinemas); raises VALIDATION_ERROR, CINEMA_NOT_FOUND.';

CREATE FUNCTION booking_internal.check_password(p_kdf text, p_digest bytea) RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF coalesce(p_kdf, '') !~ '^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]{16,}$'
       OR p_digest IS NULL OR length(p_digest) <> 32 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR',
            'password must come as argon2id parameters with a salt and a 32-byte digest (hashed by the API)',
            jsonb_build_object('field', 'password'));
    END IF;
END $$;
COMMENT ON FUNCTION booking_internal.check_password(text, bytea) IS 'Raises VALIDATION_ERROR unless given an argon2id PHC prefix and a 32-byte digest.';

-- Create an operator. The API hashes the password (argon2id, marquee/operators/passwords.py): the database gets
-- the parameters with their salt and the digest, and keeps SHA-256 of the digest.
CREATE FUNCTION booking.create_operator(p_email text, p_name text, p_role text, p_cinema_ids uuid[],
                                        p_password_kdf text, p_password_digest bytea)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v booking.actor := booking.require('operators.manage');
    v_email text := lower(btrim(coalesce(p_email, '')));
    v_role booking.operator_role := booking_internal.checked_role(p_role, p_cinema_ids);
    o booking.operators;
BEGIN
    IF v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' OR length(v_email) > 254 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'email must be a valid email address', jsonb_build_object('field', 'email'));
    END IF;
    IF coalesce(btrim(p_name), '') = '' OR length(p_name) > 200 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'name is required (up to 200 characters)', jsonb_build_object('field', 'name'));
    END IF;
    PERFORM booking_internal.check_password(p_password_kdf, p_password_digest);
    INSERT INTO booking.operators (email, display_name, role, cinema_ids, password_kdf, password_hash, created_by)
    VALUES (v_email, btrim(p_name), v_role, p_cinema_ids, p_password_kdf, sha256(p_password_digest), v.label)
    ON CONFLICT (lower(email)) DO NOTHING
    RETURNING * INTO o;
    IF o.id IS NULL THEN
        PERFORM booking_internal.raise_error('EMAIL_TAKEN', format('an operator with email %s exists', v_email),
            jsonb_build_object('field', 'email'));
    END IF;
    PERFORM booking_internal.audit(v, 'operator.create', 'operator', o.id::text,
        jsonb_build_object('email', o.email, 'role', o.role, 'cinemaIds', to_jsonb(o.cinema_ids)));
    RETURN booking_internal.operator_json(o);
END $$;
COMMENT ON FUNCTION booking.create_operator(text, text, text, uuid[], text, bytea) IS
    'Creates an operator (OWNER only: operators.manage) with a role and cinemas (NULL = all); the password comes '
    'hashed by the API (argon2id parameters + digest). Raises UNAUTHORIZED, FORBIDDEN, VALIDATION_ERROR, '
    'CINEMA_NOT_FOUND, EMAIL_TAKEN; audited.';

-- Change an operator: role, cinemas (p_cinema_ids: SQL NULL = unchanged, JSON null = all cinemas, JSON array),
-- active flag, password. Deactivating or a new password ends its sessions at once.
CREATE FUNCTION booking.update_operator(p_operator_id uuid, p_role text DEFAULT NULL, p_cinema_ids jsonb DEFAULT NULL,
                                        p_active boolean DEFAULT NULL, p_password_kdf text DEFAULT NULL,
                                        p_password_digest bytea DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v booking.actor := booking.require('operators.manage');
    o booking.operators;
    v_cinemas uuid[];
    v_role booking.operator_role;
    v_changes jsonb := '{}';
BEGIN
    SELECT * INTO o FROM booking.operators x WHERE x.id = p_operator_id FOR UPDATE;
    IF o.id IS NULL THEN
        PERFORM booking_internal.raise_error('OPERATOR_NOT_FOUND', format('operator %s not found', p_operator_id),
            jsonb_build_object('operatorId', p_operator_id));
    END IF;
    IF p_cinema_ids IS NULL THEN
        v_cinemas := o.cinema_ids;
    ELSIF jsonb_typeof(p_cinema_ids) = 'null' THEN
        v_cinemas := NULL;
    ELSIF jsonb_typeof(p_cinema_ids) = 'array' THEN
        BEGIN
            v_cinemas := ARRAY(SELECT e::uuid FROM jsonb_array_elements_text(p_cinema_ids) e);
        EXCEPTION WHEN invalid_text_representation THEN
            PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'cinemaIds must be cinema ids', jsonb_build_object('field', 'cinemaIds'));
        END;
    ELSE
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'cinemaIds must be an array or null', jsonb_build_object('field', 'cinemaIds'));
    END IF;
    -- a new OWNER acts for every cinema; an OWNER made something else keeps "all" unless cinemas are given
    IF p_role = 'OWNER' AND p_cinema_ids IS NULL THEN
        v_cinemas := NULL;
    END IF;
    v_role := booking_internal.checked_role(coalesce(p_role, o.role::text), v_cinemas);
    IF v.operator_id = o.id AND v.kind = 'session' AND (p_active IS FALSE OR v_role <> 'OWNER') THEN
        PERFORM booking_internal.raise_error('CONFLICT', 'you cannot deactivate yourself or give up your own OWNER role',
            jsonb_build_object('operatorId', o.id));
    END IF;
    IF p_password_kdf IS NOT NULL OR p_password_digest IS NOT NULL THEN
        PERFORM booking_internal.check_password(p_password_kdf, p_password_digest);
        v_changes := v_changes || jsonb_build_object('passwordChanged', true);
    END IF;
    IF v_role IS DISTINCT FROM o.role THEN v_changes := v_changes || jsonb_build_object('role', v_role); END IF;
    IF v_cinemas IS DISTINCT FROM o.cinema_ids THEN v_changes := v_changes || jsonb_build_object('cinemaIds', to_jsonb(v_cinemas)); END IF;
    IF p_active IS NOT NULL AND p_active IS DISTINCT FROM o.is_active THEN v_changes := v_changes || jsonb_build_object('active', p_active); END IF;
    UPDATE booking.operators x
       SET role = v_role, cinema_ids = v_cinemas, is_active = coalesce(p_active, x.is_active),
           password_kdf = coalesce(p_password_kdf, x.password_kdf),
           password_hash = coalesce(sha256(p_password_digest), x.password_hash),
           updated_at = CASE WHEN v_changes = '{}' THEN x.updated_at ELSE booking.clock() END
     WHERE x.id = o.id RETURNING * INTO o;
    IF p_active IS FALSE OR p_password_digest IS NOT NULL THEN
        UPDATE booking.operator_sessions s SET revoked_at = booking.clock()
         WHERE s.operator_id = o.id AND s.revoked_at IS NULL;
    END IF;
    PERFORM booking_internal.audit(v, 'operator.update', 'operator', o.id::text,
        jsonb_build_object('email', o.email, 'changes', v_changes));
    RETURN booking_internal.operator_json(o);
END $$;
COMMENT ON FUNCTION booking.update_operator(uuid, text, jsonb, boolean, text, bytea) IS
    'Changes an operator''s role, cinemas (jsonb: null = all, array = those; SQL NULL = unchanged), active flag or '
    'password (hashed by the API); deactivation and a new password revoke its sessions at once. OWNER only. '
    'Raises UNAUTHORIZED, FORBIDDEN, OPERATOR_NOT_FOUND, VALIDATION_ERROR, CINEMA_NOT_FOUND, CONFLICT (yourself); audited.';

CREATE FUNCTION booking.list_operators() RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM booking.require('operators.manage');
    RETURN (SELECT coalesce(jsonb_agg(booking_internal.operator_json(o) ORDER BY o.email), '[]') FROM booking.operators o);
END $$;
COMMENT ON FUNCTION booking.list_operators() IS 'Every operator as JSON, by email (OWNER only). Raises UNAUTHORIZED, FORBIDDEN.';

-- ---------------------------------------------------------------------------------------------------------------
-- API keys

-- A random secret: 32 bytes of gen_random_uuid's strong random source (two v4 UUIDs: 244 random bits), in hex.
CREATE FUNCTION booking_internal.random_secret(p_prefix text) RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT p_prefix || encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'hex')
$$;
COMMENT ON FUNCTION booking_internal.random_secret(text) IS 'A new random token: prefix + 64 hex characters (244 random bits).';

CREATE FUNCTION booking_internal.api_key_json(k booking.api_keys) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', k.id, 'name', k.name, 'role', k.role, 'cinemaIds', to_jsonb(k.cinema_ids),
                              'keyPrefix', k.key_prefix, 'bootstrap', k.is_bootstrap, 'createdBy', k.created_by_name,
                              'createdAt', k.created_at, 'revokedAt', k.revoked_at)
$$;
COMMENT ON FUNCTION booking_internal.api_key_json(booking.api_keys) IS 'An API key as JSON (never the key or its hash).';

CREATE FUNCTION booking.create_api_key(p_name text, p_role text, p_cinema_ids uuid[] DEFAULT NULL)
RETURNS TABLE (id uuid, key text) LANGUAGE plpgsql AS $$
DECLARE
    v booking.actor := booking.require('operators.manage');
    v_role booking.operator_role := booking_internal.checked_role(p_role, p_cinema_ids);
    v_key text := booking_internal.random_secret('mqk_');
    k booking.api_keys;
BEGIN
    IF coalesce(btrim(p_name), '') = '' OR length(p_name) > 200 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'name is required (up to 200 characters)', jsonb_build_object('field', 'name'));
    END IF;
    INSERT INTO booking.api_keys (name, role, cinema_ids, key_hash, key_prefix, created_by, created_by_name)
    VALUES (btrim(p_name), v_role, p_cinema_ids, sha256(convert_to(v_key, 'UTF8')), left(v_key, 8), v.operator_id, v.label)
    RETURNING * INTO k;
    PERFORM booking_internal.audit(v, 'api_key.create', 'api_key', k.id::text,
        jsonb_build_object('name', k.name, 'role', k.role, 'cinemaIds', to_jsonb(k.cinema_ids), 'keyPrefix', k.key_prefix));
    RETURN QUERY SELECT k.id, v_key;
END $$;
COMMENT ON FUNCTION booking.create_api_key(text, text, uuid[]) IS
    'Creates an API key with a role and cinemas (NULL = all); returns it once (only its SHA-256 is kept). OWNER only. '
    'Raises UNAUTHORIZED, FORBIDDEN, VALIDATION_ERROR, CINEMA_NOT_FOUND; audited.';

CREATE FUNCTION booking.list_api_keys() RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM booking.require('operators.manage');
    RETURN (SELECT coalesce(jsonb_agg(booking_internal.api_key_json(k) ORDER BY k.created_at, k.id), '[]') FROM booking.api_keys k);
END $$;
COMMENT ON FUNCTION booking.list_api_keys() IS 'Every API key (live and revoked) as JSON, without the keys (OWNER only). Raises UNAUTHORIZED, FORBIDDEN.';

CREATE FUNCTION booking.revoke_api_key(p_api_key_id uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v booking.actor := booking.require('operators.manage');
    k booking.api_keys;
BEGIN
    UPDATE booking.api_keys x SET revoked_at = coalesce(x.revoked_at, booking.clock())
     WHERE x.id = p_api_key_id RETURNING * INTO k;
    IF k.id IS NULL THEN
        PERFORM booking_internal.raise_error('API_KEY_NOT_FOUND', format('API key %s not found', p_api_key_id),
            jsonb_build_object('apiKeyId', p_api_key_id));
    END IF;
    PERFORM booking_internal.audit(v, 'api_key.revoke', 'api_key', k.id::text, jsonb_build_object('name', k.name));
    RETURN booking_internal.api_key_json(k);
END $$;
COMMENT ON FUNCTION booking.revoke_api_key(uuid) IS
    'Revokes an API key at once (idempotent). OWNER only. Raises UNAUTHORIZED, FORBIDDEN, API_KEY_NOT_FOUND; audited.';

-- migrate: the bootstrap OWNER key is SHA-256(ADMIN_TOKEN) of the last migrate's environment.
CREATE FUNCTION booking_internal.set_bootstrap_key(p_key_hash bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_live booking.api_keys;
BEGIN
    SELECT * INTO v_live FROM booking.api_keys k WHERE k.is_bootstrap AND k.revoked_at IS NULL;
    IF v_live.key_hash = p_key_hash THEN
        RETURN 'kept';
    END IF;
    UPDATE booking.api_keys k SET revoked_at = booking.clock() WHERE k.is_bootstrap AND k.revoked_at IS NULL;
    IF EXISTS (SELECT 1 FROM booking.api_keys k WHERE k.key_hash = p_key_hash) THEN
        -- the token of an earlier migrate again: its old row comes back
        UPDATE booking.api_keys k SET revoked_at = NULL, is_bootstrap = true WHERE k.key_hash = p_key_hash;
    ELSE
        INSERT INTO booking.api_keys (name, role, cinema_ids, key_hash, key_prefix, is_bootstrap, created_by_name)
        VALUES ('ADMIN_TOKEN (bootstrap)', 'OWNER', NULL, p_key_hash, 'ADMIN_TOKEN', true, 'migrate');
    END IF;
    PERFORM booking_internal.audit('migrate'::text, 'api_key.bootstrap', 'api_key', 'ADMIN_TOKEN',
        jsonb_build_object('replaced', v_live.id IS NOT NULL));
    RETURN CASE WHEN v_live.id IS NULL THEN 'created' ELSE 'replaced' END;
END $$;
COMMENT ON FUNCTION booking_internal.set_bootstrap_key(bytea) IS
    'Internal (migrate): makes SHA-256(ADMIN_TOKEN) the one live bootstrap OWNER key; returns created/replaced/kept.';

-- migrate --demo: an operator with a known password (demo only; skipped in production). p_digest is the password
-- hashed with p_kdf, which the API took from booking_internal.operator_kdf so an unchanged password stays as it is.
CREATE FUNCTION booking_internal.operator_kdf(p_email text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT o.password_kdf FROM booking.operators o WHERE o.email = lower(btrim(p_email))
$$;
COMMENT ON FUNCTION booking_internal.operator_kdf(text) IS 'Internal (demo loader): the argon2id parameters of an operator''s password.';

CREATE FUNCTION booking_internal.ensure_operator(p_email text, p_name text, p_role booking.operator_role,
                                                 p_cinema_ids uuid[], p_kdf text, p_digest bytea, p_created_by text)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid;
BEGIN
    PERFORM booking_internal.check_password(p_kdf, p_digest);
    INSERT INTO booking.operators AS o (email, display_name, role, cinema_ids, password_kdf, password_hash, created_by)
    VALUES (lower(btrim(p_email)), p_name, p_role, p_cinema_ids, p_kdf, sha256(p_digest), p_created_by)
    ON CONFLICT (lower(email)) DO UPDATE
        SET display_name = EXCLUDED.display_name, role = EXCLUDED.role, cinema_ids = EXCLUDED.cinema_ids,
            is_active = true, password_kdf = EXCLUDED.password_kdf, password_hash = EXCLUDED.password_hash,
            updated_at = CASE WHEN (o.role, o.cinema_ids, o.is_active, o.password_hash)
                                   IS NOT DISTINCT FROM (EXCLUDED.role, EXCLUDED.cinema_ids, true, EXCLUDED.password_hash)
                              THEN o.updated_at ELSE now() END
    RETURNING o.id INTO v_id;
    RETURN v_id;
END $$;
COMMENT ON FUNCTION booking_internal.ensure_operator(text, text, booking.operator_role, uuid[], text, bytea, text) IS
    'Internal (demo loader): creates or resets an operator to the given role, cinemas and password.';

-- ---------------------------------------------------------------------------------------------------------------
-- Login, logout, who am I

-- argon2id parameters and salt for an email no active operator has: the same cost as a real one (the newest
-- operator's parameters), and a salt derived from the email with a secret of this database, so two attempts
-- for the same unknown email look exactly like two for a real one.
CREATE FUNCTION booking_internal.unknown_email_kdf(p_email text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT '$argon2id$v=19$'
        || coalesce((SELECT substring(o.password_kdf FROM '^\$argon2id\$v=19\$(m=[0-9]+,t=[0-9]+,p=[0-9]+)\$')
                       FROM booking.operators o ORDER BY o.updated_at DESC LIMIT 1), 'm=19456,t=2,p=1')
        || '$' || rtrim(encode(substr(sha256(s.secret || convert_to(p_email, 'UTF8')), 1, 16), 'base64'), '=')
      FROM booking.auth_secrets s WHERE s.name = 'unknown_email_salt'
$$;
COMMENT ON FUNCTION booking_internal.unknown_email_kdf(text) IS
    'argon2id parameters and a stable secret-derived salt for an email no operator has (logins look the same).';

-- Step 1 of a login: throttling, then the parameters to hash the typed password with. The attempt is recorded
-- now, as failed until step 2 says otherwise, so parallel guesses all count.
CREATE FUNCTION booking.login_begin(p_email text, p_client_ip inet DEFAULT NULL)
RETURNS TABLE (attempt_id bigint, password_kdf text, delay_ms int) LANGUAGE plpgsql AS $$
DECLARE
    v_email  text := lower(btrim(coalesce(p_email, '')));
    v_now    timestamptz := booking.clock();
    v_window interval := make_interval(mins => booking.setting('login_failure_window_minutes')::int);
    v_max_email int := booking.setting('login_max_failures_per_email')::int;
    v_max_ip int := booking.setting('login_max_failures_per_ip')::int;
    v_slow   int := booking.setting('login_slow_after_failures')::int;
    v_n_email int;
    v_n_ip   int := 0;
    v_first_email timestamptz;
    v_first_ip timestamptz;
    v_retry  int;
    v_op     booking.operators;
    v_id     bigint;
    v_steps  int;
BEGIN
    IF v_email = '' OR length(v_email) > 254 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'email is required', jsonb_build_object('field', 'email'));
    END IF;
    -- one attempt at a time per email, then per address (always in that order: no deadlock)
    PERFORM pg_advisory_xact_lock(hashtextextended('login:' || v_email, 0));
    IF p_client_ip IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('login-ip:' || host(p_client_ip), 0));
    END IF;
    DELETE FROM booking.login_attempts a
     WHERE (a.email = v_email OR a.client_ip = p_client_ip) AND a.at < v_now - greatest(v_window, interval '1 day');
    SELECT count(*), min(a.at) INTO v_n_email, v_first_email FROM booking.login_attempts a
     WHERE a.email = v_email AND a.at > v_now - v_window AND NOT a.succeeded AND NOT a.forgiven;
    IF p_client_ip IS NOT NULL THEN
        SELECT count(*), min(a.at) INTO v_n_ip, v_first_ip FROM booking.login_attempts a
         WHERE a.client_ip = p_client_ip AND a.at > v_now - v_window AND NOT a.succeeded;
    END IF;
    IF v_n_email >= v_max_email OR v_n_ip >= v_max_ip THEN
        v_retry := greatest(1, ceil(extract(epoch FROM
            CASE WHEN v_n_email >= v_max_email THEN v_first_email ELSE v_first_ip END + v_window - v_now))::int);
        PERFORM booking_internal.raise_error('TOO_MANY_LOGIN_ATTEMPTS',
            format('too many failed logins %s; try again in %s seconds',
                   CASE WHEN v_n_email >= v_max_email THEN 'for this email' ELSE 'from this address' END, v_retry),
            jsonb_build_object('retryAfterSeconds', v_retry,
                               'limit', CASE WHEN v_n_email >= v_max_email THEN 'email' ELSE 'address' END));
    END IF;
    SELECT * INTO v_op FROM booking.operators o WHERE o.email = v_email AND o.is_active;
    INSERT INTO booking.login_attempts (email, client_ip, at, operator_id)
    VALUES (v_email, p_client_ip, v_now, v_op.id) RETURNING id INTO v_id;
    -- slowed: 250 ms doubling per failure past the threshold (of the email, or half the address' limit), at most 4 s
    v_steps := greatest(v_n_email - v_slow, v_n_ip - v_max_ip / 2);
    RETURN QUERY SELECT v_id, coalesce(v_op.password_kdf, booking_internal.unknown_email_kdf(v_email)),
                        CASE WHEN v_steps < 0 THEN 0 ELSE least(4000, 250 * (2 ^ least(v_steps, 8))::int) END;
END $$;
COMMENT ON FUNCTION booking.login_begin(text, inet) IS
    'Starts a login: refuses with TOO_MANY_LOGIN_ATTEMPTS (details.retryAfterSeconds) after login_max_failures_per_email '
    'failures of the email or login_max_failures_per_ip of the address within login_failure_window_minutes; records '
    'the attempt; returns its id, the argon2id parameters to hash the password with (the same kind for an unknown '
    'email) and how long the API must wait first (slowed after login_slow_after_failures). Raises VALIDATION_ERROR.';

-- Step 2: the digest the API computed. Right: a new session (token returned once, stored as SHA-256) and the
-- email's earlier failures are forgiven. Wrong: ok = false (the attempt stays a failure; the API answers
-- INVALID_CREDENTIALS the same way for an unknown email). An attempt is finished once, within two minutes.
CREATE FUNCTION booking.login_finish(p_attempt_id bigint, p_password_digest bytea)
RETURNS TABLE (ok boolean, token text, expires_at timestamptz, operator jsonb) LANGUAGE plpgsql AS $$
DECLARE
    a booking.login_attempts;
    o booking.operators;
    v_now timestamptz := booking.clock();
    v_token text;
    v_expires timestamptz;
    v_session uuid;
BEGIN
    SELECT * INTO a FROM booking.login_attempts x WHERE x.id = p_attempt_id FOR UPDATE;
    IF a.id IS NULL OR a.finished_at IS NOT NULL OR a.at < v_now - interval '2 minutes' THEN
        RETURN QUERY SELECT false, NULL::text, NULL::timestamptz, NULL::jsonb;
        RETURN;
    END IF;
    SELECT * INTO o FROM booking.operators x WHERE x.id = a.operator_id AND x.is_active;
    IF o.id IS NULL OR p_password_digest IS NULL OR sha256(p_password_digest) <> o.password_hash THEN
        UPDATE booking.login_attempts x SET finished_at = v_now WHERE x.id = a.id;
        RETURN QUERY SELECT false, NULL::text, NULL::timestamptz, NULL::jsonb;
        RETURN;
    END IF;
    UPDATE booking.login_attempts x SET finished_at = v_now, succeeded = true WHERE x.id = a.id;
    UPDATE booking.login_attempts x SET forgiven = true
     WHERE x.email = a.email AND NOT x.succeeded AND NOT x.forgiven AND x.id <> a.id;
    v_token := booking_internal.random_secret('mqs_');
    v_expires := v_now + make_interval(hours => booking.setting('operator_session_hours')::int);
    INSERT INTO booking.operator_sessions (operator_id, token_hash, created_at, expires_at, client_ip)
    VALUES (o.id, sha256(convert_to(v_token, 'UTF8')), v_now, v_expires, a.client_ip)
    RETURNING id INTO v_session;
    PERFORM booking_internal.audit(ROW('session', o.id, NULL, o.email, o.display_name, o.role, o.cinema_ids, o.email)::booking.actor,
        'operator.login', 'operator_session', v_session::text, jsonb_build_object('expiresAt', v_expires));
    RETURN QUERY SELECT true, v_token, v_expires,
        jsonb_build_object('id', o.id, 'email', o.email, 'name', o.display_name, 'role', o.role, 'cinemaIds', to_jsonb(o.cinema_ids));
END $$;
COMMENT ON FUNCTION booking.login_finish(bigint, bytea) IS
    'Finishes a login begun by booking.login_begin with the argon2id digest of the typed password: ok with a new '
    'session token (returned once; expires after operator_session_hours), or ok = false. Each attempt once, within 2 minutes.';

-- Logout: the session presented in marquee.credential ends now. false when it is no live session (an API key, an
-- expired or unknown token).
CREATE FUNCTION booking.logout() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v booking.actor := booking_internal.current_actor();
    v_session uuid;
BEGIN
    IF v.kind IS DISTINCT FROM 'session' THEN
        RETURN false;
    END IF;
    UPDATE booking.operator_sessions s SET revoked_at = booking.clock()
     WHERE s.token_hash = sha256(convert_to(current_setting('marquee.credential'), 'UTF8')) AND s.revoked_at IS NULL
    RETURNING s.id INTO v_session;
    PERFORM booking_internal.audit(v, 'operator.logout', 'operator_session', v_session::text);
    RETURN v_session IS NOT NULL;
END $$;
COMMENT ON FUNCTION booking.logout() IS 'Revokes the session token in marquee.credential at once; false if it is not a live session.';

-- The cinemas the current actor acts for.
CREATE FUNCTION booking.operator_cinemas()
RETURNS TABLE (id uuid, name text, city text, time_zone text, currency char(3)) LANGUAGE plpgsql STABLE AS $$
DECLARE
    v booking.actor := booking_internal.current_actor();
BEGIN
    IF v.kind IS NULL THEN
        PERFORM booking_internal.raise_error('UNAUTHORIZED', 'an operator credential is required', '{}');
    END IF;
    RETURN QUERY SELECT c.id, c.name, c.city, c.time_zone, c.currency FROM booking.cinemas c
                  WHERE booking_internal.in_scope(v, c.id) ORDER BY c.name;
END $$;
COMMENT ON FUNCTION booking.operator_cinemas() IS 'The cinemas the current operator or key acts for, by name. Raises UNAUTHORIZED.';

-- GET /api/auth/me: who the credential is, what it may do, where.
CREATE FUNCTION booking.whoami() RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
    v booking.actor := booking_internal.current_actor();
    v_expires timestamptz;
BEGIN
    IF v.kind IS NULL THEN
        PERFORM booking_internal.raise_error('UNAUTHORIZED',
            CASE WHEN coalesce(current_setting('marquee.credential', true), '') = ''
                 THEN 'an operator credential is required' ELSE 'the credential is unknown, expired or revoked' END, '{}');
    END IF;
    IF v.kind = 'session' THEN
        SELECT s.expires_at INTO v_expires FROM booking.operator_sessions s
         WHERE s.token_hash = sha256(convert_to(current_setting('marquee.credential'), 'UTF8'));
    END IF;
    RETURN jsonb_build_object(
        'kind', v.kind, 'role', v.role, 'cinemaIds', to_jsonb(v.cinema_ids), 'expiresAt', v_expires,
        'operator', CASE WHEN v.kind = 'session' THEN
            (SELECT jsonb_build_object('id', o.id, 'email', o.email, 'name', o.display_name, 'role', o.role,
                                       'cinemaIds', to_jsonb(o.cinema_ids)) FROM booking.operators o WHERE o.id = v.operator_id) END,
        'apiKey', CASE WHEN v.kind = 'api_key' THEN jsonb_build_object('id', v.api_key_id, 'name', v.name) END,
        'permissions', (SELECT coalesce(jsonb_agg(p.permission ORDER BY p.permission), '[]')
                          FROM booking.permissions p
                         WHERE (booking_internal.refusal(v, p.permission, NULL)).message IS NULL),
        'cinemas', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'city', c.city,
                                                                 'timeZone', c.time_zone, 'currency', c.currency) ORDER BY c.name), '[]')
                      FROM booking.cinemas c WHERE booking_internal.in_scope(v, c.id)));
END $$;
COMMENT ON FUNCTION booking.whoami() IS
    'The current credential: kind (session, api_key, database), operator or key, role, permissions (for its '
    'cinemas), the cinemas themselves, session expiry. Raises UNAUTHORIZED.';

-- ---------------------------------------------------------------------------------------------------------------
-- Finding bookings (box office)

CREATE FUNCTION booking.search_bookings(p_query text, p_limit int DEFAULT 50) RETURNS SETOF jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v booking.actor := booking.require('bookings.read');
    v_q text := btrim(coalesce(p_query, ''));
BEGIN
    IF length(v_q) < 3 OR length(v_q) > 254 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'q must be 3 to 254 characters (a reference, its start, or an email)',
            jsonb_build_object('field', 'q'));
    END IF;
    IF coalesce(p_limit, 0) NOT BETWEEN 1 AND 500 THEN
        PERFORM booking_internal.raise_error('VALIDATION_ERROR', 'limit must be 1..500', jsonb_build_object('field', 'limit'));
    END IF;
    RETURN QUERY
    SELECT booking.booking_json(b.id)
      FROM booking.bookings b
      JOIN booking.showtimes st ON st.id = b.showtime_id
      JOIN booking.auditoriums a ON a.id = st.auditorium_id
     WHERE (b.reference = upper(v_q) OR (v_q ~* '^BK[0-9A-Z]+$' AND b.reference LIKE upper(v_q) || '%')
            OR b.customer_email = lower(v_q))
       AND booking_internal.in_scope(v, a.cinema_id)
     ORDER BY b.booked_at DESC
     LIMIT p_limit;
END $$;
COMMENT ON FUNCTION booking.search_bookings(text, int) IS
    'Bookings of the operator''s cinemas by reference (or its start, BK...) or customer email, newest first. '
    'Raises UNAUTHORIZED, FORBIDDEN (bookings.read), VALIDATION_ERROR.';
