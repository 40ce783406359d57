-- Issue 22: no customer-typed text reaches bi_reader. A cancellation is reported by its reason category (from
-- booking.cancel_reason_categories, chosen by the customer or operator); the free text is for operators only.
BEGIN;
SELECT plan(16);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
SET LOCAL marquee.publish_seat_changes = 'off';
DO $$
BEGIN
    INSERT INTO fx VALUES ('mary', pg_temp.book('{seat-a1,seat-a2}', 'mary')),
                          ('ops', pg_temp.book('{seat-a3}', 'ops')),
                          ('none', pg_temp.book('{seat-b1}', 'none'));
END $$;

-- Validation: the category is one of the list; operator-only categories are refused to customers
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('mary'), 'x', NULL, 'customer', false, 'BORED')$$,
                 'MQ001', NULL, 'an unknown reasonCategory is a VALIDATION_ERROR');
SELECT is(tap_fixture.err_detail($$SELECT * FROM booking.cancel(pg_temp.fx('mary'), 'x', NULL, 'customer', false, 'BORED')$$)
          ->> 'field', 'reasonCategory', 'the error names the API field reasonCategory');
SELECT ok(tap_fixture.err_detail($$SELECT * FROM booking.cancel(pg_temp.fx('mary'), 'x', NULL, 'customer', false, 'BORED')$$)
          -> 'allowed' ? 'ILLNESS', 'and lists the categories that may be chosen');
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('mary'), 'x', NULL, 'customer', false, 'TECHNICAL_FAULT')$$,
                 'MQ001', NULL, 'a customer cannot file under an operator-only category');
SELECT throws_ok($$SELECT * FROM booking.cancel(pg_temp.fx('mary'), 'x', NULL, 'customer', false, 'illness')$$,
                 'MQ001', NULL, 'codes are exact (upper case)');
SELECT is((SELECT status::text FROM booking.bookings WHERE id = pg_temp.fx('mary')), 'CONFIRMED',
          'a refused cancel changes nothing');

-- The customer of the issue, and an operator, cancel; a third cancels choosing nothing
SELECT is((SELECT status::text FROM booking.cancel(pg_temp.fx('mary'),
    'Mary Major here - reach me at mary dot major at example dot com, or +44 20 7946 0111', NULL, 'customer', false,
    'ILLNESS')), 'CANCELLED', 'a customer cancels with a category and free text');
SELECT is((SELECT status::text FROM booking.cancel(pg_temp.fx('ops'), 'Seat 14 broken, Mr Quentin Quux moved', NULL,
    'operator', false, 'TECHNICAL_FAULT')), 'CANCELLED', 'an operator may choose an operator-only category');
SELECT is((SELECT status::text FROM booking.cancel(pg_temp.fx('none'), 'Zed Zebulon cannot come')), 'CANCELLED',
          'no category: NOT_GIVEN');
SELECT results_eq($$SELECT k.key, b.cancel_reason_category FROM booking.bookings b JOIN fx k ON k.id = b.id
                     WHERE k.key IN ('mary', 'ops', 'none') ORDER BY k.key$$,
                  $$VALUES ('mary', 'ILLNESS'), ('none', 'NOT_GIVEN'), ('ops', 'TECHNICAL_FAULT')$$,
                  'each booking keeps its category');
SELECT is((SELECT cancel_reason FROM booking.bookings WHERE id = pg_temp.fx('mary')),
          'Mary Major here - reach me at mary dot major at example dot com, or +44 20 7946 0111',
          'operators (booking_admin) still read the customer''s words');
SELECT is_empty($$SELECT 1 FROM booking.refunds WHERE reason ILIKE '%mary%' OR reason ILIKE '%quux%' OR reason ILIKE '%zebulon%'$$,
                'refunds (money records kept for years) do not copy the free text');

DO $$ BEGIN PERFORM booking_ops.refresh_reports(); END $$;
SELECT results_eq(
    $$SELECT reason_category, reason_label, cancelled_by, cancellations::int FROM reporting.cancellations
       WHERE cinema_id = pg_temp.fx('cinema') ORDER BY reason_category$$,
    $$VALUES ('ILLNESS', 'Illness', 'customer', 1), ('NOT_GIVEN', 'Not given', 'customer', 1),
             ('TECHNICAL_FAULT', 'Technical fault', 'operator', 1)$$,
    'reporting.cancellations counts by reason category');

-- Everything bi_reader can read, every row of it: none of the typed words (nor a masked form of them) is there
CREATE FUNCTION pg_temp.bi_leaks() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; n bigint; found text := '';
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND has_schema_privilege(s.oid, 'USAGE')
                AND has_table_privilege(c.oid, 'SELECT') AND s.nspname NOT IN ('pg_catalog', 'information_schema')
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')  -- pgTAP's own
    LOOP
        EXECUTE format($q$SELECT count(*) FROM %s t WHERE t::text ~* '(mary|major|7946|quux|quentin|zebulon|\[email\]|\[number\])'$q$, r.rel)
           INTO n;
        IF n > 0 THEN found := found || r.rel::text || ' '; END IF;
    END LOOP;
    RETURN found;
END $$;
SET LOCAL ROLE bi_reader;
DO $$
BEGIN
    PERFORM set_config('tap.readable', (SELECT count(*)::text FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                                         WHERE s.nspname = 'reporting' AND has_table_privilege(c.oid, 'SELECT')), true);
    PERFORM set_config('tap.leaks', pg_temp.bi_leaks(), true);
END $$;
RESET ROLE;
SELECT ok(current_setting('tap.readable')::int >= 8, 'bi_reader reads the reporting views (the scan covers them)');
SELECT is(current_setting('tap.leaks'), '', 'no relation bi_reader can read holds any customer- or operator-typed word');

-- The list forms offer
SELECT ok(NOT EXISTS (SELECT 1 FROM booking.cancel_reasons() WHERE chosen_by = 'operator')
          AND (SELECT count(*) FROM booking.cancel_reasons('operator')) = (SELECT count(*) FROM booking.cancel_reason_categories),
          'booking.cancel_reasons(): the customer''s choices, or every category for operators');
SELECT * FROM finish();
ROLLBACK;
