-- Issue 21: the waiting list. FIFO among the entries that fit, a party that does not fit keeps its place, seat types,
-- the lone-seat rule, offer expiry cascading to the next entry, confirming an offer, leaving, and a started showtime
-- closing its list. Fixture (tap_fixture.setup): sellable seats A1-A4 (STANDARD 12.00), B1-B2 (PREMIUM 15.00);
-- B3 is out of service and B4 unpriced. Now 2030-01-01 12:00Z; the showtime starts 2030-01-02 01:00Z.
BEGIN;
SELECT plan(48);
DO $$ BEGIN PERFORM tap_fixture.setup(); END $$;
SET LOCAL marquee.waitlist_offer_minutes = '15';
CREATE TEMP TABLE wl (key text PRIMARY KEY, id uuid NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.wl(p_key text) RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT id FROM wl WHERE key = p_key $$;
CREATE FUNCTION pg_temp.join_(p_key text, p_qty int, p_types text[] DEFAULT NULL, p_showtime text DEFAULT 'showtime')
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE j jsonb;
BEGIN
    j := booking.join_waitlist(pg_temp.fx(p_showtime), p_key || '@example.com', 'Wait ' || p_key, NULL, p_qty, true, false, p_types);
    INSERT INTO wl VALUES (p_key, (j ->> 'waitlistId')::uuid);
    RETURN j;
END $$;
CREATE FUNCTION pg_temp.st(p_key text) RETURNS text LANGUAGE sql AS $$ SELECT booking.waitlist_entry(pg_temp.wl(p_key)) ->> 'status' $$;
CREATE FUNCTION pg_temp.offer_seats(p_key text) RETURNS text[] LANGUAGE sql AS $$
    SELECT ARRAY(SELECT e ->> 'id' FROM jsonb_array_elements(booking.waitlist_entry(pg_temp.wl(p_key)) -> 'offer' -> 'seats') e ORDER BY 1) $$;

-- joining while seats can be booked: SEATS_AVAILABLE
SELECT throws_ok($$SELECT pg_temp.join_('early', 2)$$, 'MQW01', NULL, 'seats free for the party: SEATS_AVAILABLE, book instead');
SELECT throws_ok($$SELECT booking.join_waitlist(pg_temp.fx('showtime'), 'x@example.com', 'X', NULL, 11)$$, 'MQ014', NULL,
    'more than max_seats_per_hold: TOO_MANY_SEATS');
SELECT throws_ok($$SELECT booking.join_waitlist(pg_temp.fx('showtime'), 'x@example.com', 'X', NULL, 0)$$, 'MQ001', NULL,
    'quantity 0: VALIDATION_ERROR');
SELECT throws_ok($$SELECT booking.join_waitlist(pg_temp.fx('showtime'), 'not-an-email', 'X', NULL, 1)$$, 'MQ001', NULL,
    'a bad email: VALIDATION_ERROR');
SELECT throws_ok($$SELECT booking.join_waitlist(pg_temp.fx('showtime'), 'x@example.com', 'X', NULL, 1, true, false, '{GOLD}')$$,
    'MQ001', NULL, 'an unknown seat type: VALIDATION_ERROR');
SELECT throws_ok($$SELECT booking.join_waitlist(gen_random_uuid(), 'x@example.com', 'X', NULL, 1)$$, 'MQ002', NULL,
    'an unknown showtime: SHOWTIME_NOT_FOUND');
SELECT throws_ok($$SELECT booking.waitlist_entry(gen_random_uuid())$$, 'MQW02', NULL, 'an unknown entry: WAITLIST_NOT_FOUND');

-- sell out: A1-A4 and B1-B2
INSERT INTO fx VALUES ('b1', pg_temp.book('{seat-a1,seat-a2,seat-a3,seat-a4}', 'buyer1')),
                      ('b2', pg_temp.book('{seat-b1,seat-b2}', 'buyer2'));
SELECT is(pg_temp.join_('w1', 3) - 'waitlistId' - 'createdAt' - 'seatTypes',
          jsonb_build_object('showtimeId', pg_temp.fx('showtime'), 'quantity', 3, 'together', true, 'accessible', false,
                             'position', 1, 'status', 'WAITING'),
    'sold out: the first party joins, WAITING, position 1');
SELECT is(pg_temp.join_('w2', 2) ->> 'position', '2', 'the second party: position 2');
SELECT is(pg_temp.join_('w3', 1) ->> 'position', '3', 'a single: position 3');
SELECT is(pg_temp.join_('wp', 1, '{PREMIUM}') ->> 'position', '4', 'a single wanting PREMIUM: position 4');
SELECT is(pg_temp.join_('w4', 4) ->> 'position', '5', 'a party of four: position 5');
SELECT is(substr(pg_temp.wl('w1')::text, 1, 8), lpad(to_hex((SELECT showtime_no FROM booking.showtimes WHERE id = pg_temp.fx('showtime'))), 8, '0'),
    'the entry id carries its showtime');
SELECT is((SELECT offers FROM booking.waitlist_sweep()), 0, 'nothing free: the sweep offers nothing');

-- B1-B2 come free: w1 (3) does not fit and keeps its place, w2 (2) gets them, w3 finds nothing left
SELECT lives_ok($$SELECT booking.cancel(pg_temp.fx('b2'), 'changed plans')$$, 'buyer 2 cancels: B1, B2 free');
SELECT is((SELECT offers FROM booking.waitlist_sweep()), 1, 'the sweep makes one offer');
SELECT is(pg_temp.st('w1'), 'WAITING', 'the party of three does not fit two seats: still WAITING');
SELECT is(booking.waitlist_entry(pg_temp.wl('w1')) ->> 'position', '1', '... and keeps its place');
SELECT is(pg_temp.st('w2'), 'OFFERED', 'the first entry that fits is OFFERED');
SELECT is(pg_temp.offer_seats('w2'), '{seat-b1,seat-b2}', '... the freed seats');
SELECT is(booking.waitlist_entry(pg_temp.wl('w2')) -> 'offer' -> 'totalAmount', '30.00'::jsonb, '... priced (2 x 15.00)');
SELECT is((SELECT expires_at FROM booking.holds WHERE id = (booking.waitlist_entry(pg_temp.wl('w2')) -> 'offer' ->> 'holdId')::uuid),
          '2030-01-01 12:15Z'::timestamptz, '... held for waitlist_offer_minutes (a real hold)');
SELECT is((SELECT status FROM booking.seat_map(pg_temp.fx('showtime')) WHERE seat_id = 'seat-b1'), 'LOCKED',
    'nobody else can take them');
SELECT is(pg_temp.st('w3'), 'WAITING', 'the single behind is still WAITING');
SELECT results_eq($$SELECT kind, payload -> 'seats' -> 0 ->> 'id', payload ->> 'bookingUrl' = format('/showtime/%s?waitlist=%s', pg_temp.fx('showtime'), pg_temp.wl('w2'))
                      FROM booking.outbox WHERE waitlist_id = pg_temp.wl('w2')$$,
    $$VALUES ('WAITLIST_OFFER', 'seat-b1', true)$$, 'an offer email is queued with its seats and link');
SELECT is(booking.mail_context((SELECT id FROM booking.outbox WHERE waitlist_id = pg_temp.wl('w2'))) -> 'userDetails',
          '{"name": "Wait w2", "email": "w2@example.com"}', 'its mail context names the waiting customer');

-- the offer runs out with the lone-seat rule on: a single would leave a lone seat next to the broken B3, so nobody fits
SET LOCAL marquee.now = '2030-01-01 12:16Z';
SET LOCAL marquee.lone_seat_rule = 'on';
SELECT is((SELECT (expired, offers) FROM booking.waitlist_sweep()), (1, 0), 'the offer expires; no single may leave a lone seat');
SELECT is(pg_temp.st('w2'), 'EXPIRED', 'the run-out offer is EXPIRED');
SELECT is(pg_temp.st('w3'), 'WAITING', 'the single keeps waiting (lone-seat rule)');
-- rule off: the cascade reaches the next fitting entries, in order, by seat type
SET LOCAL marquee.lone_seat_rule = 'off';
SELECT is((SELECT offers FROM booking.waitlist_sweep()), 2, 'the seats cascade to the next entries that fit');
SELECT is(cardinality(pg_temp.offer_seats('w3')) + cardinality(pg_temp.offer_seats('wp')), 2, 'the single and the PREMIUM single get one each');
SELECT is(pg_temp.st('w1'), 'WAITING', 'the party of three still waits');

-- confirming an offer is the normal confirm: the entry becomes BOOKED
SELECT lives_ok($$SELECT booking.confirm((booking.waitlist_entry(pg_temp.wl('w3')) -> 'offer' ->> 'holdId')::uuid, 'w3@example.com', 'Wait w3')$$,
    'the offer''s hold is confirmed like any hold');
SELECT is(pg_temp.st('w3'), 'BOOKED', 'the entry is BOOKED');
SELECT throws_ok($$SELECT booking.leave_waitlist(pg_temp.wl('w3'))$$, 'MQW03', NULL, 'a BOOKED entry cannot leave: WAITLIST_NOT_ACTIVE');

-- leaving: an offered entry's hold is released
SELECT is(booking.leave_waitlist(pg_temp.wl('wp')) ->> 'status', 'CANCELLED', 'leaving an offer: CANCELLED');
SELECT is((SELECT status::text FROM booking.holds WHERE id = (SELECT hold_id FROM booking.waitlist WHERE id = pg_temp.wl('wp'))), 'RELEASED',
    '... its hold is released');
SELECT is(booking.leave_waitlist(pg_temp.wl('wp')) ->> 'status', 'CANCELLED', 'leaving twice answers the same');
SELECT is(booking.waitlist_entry(pg_temp.wl('w4')) ->> 'position', '2', 'the live position counts only the entries still in line');

-- operators and BI
SELECT is(jsonb_array_length(booking.showtime_waitlist(pg_temp.fx('showtime')) -> 'entries'), 5, 'operators see the whole line');
SELECT is(booking.showtime_waitlist(pg_temp.fx('showtime')) -> 'entries' -> 0 ->> 'email', 'w1@example.com', '... in order, with contact details');
SELECT is((SELECT (booked, offers) FROM booking.waitlist_sweep()), (1, 0), 'the sweep records the booked offer');
SELECT results_eq($$SELECT entries, waiting, waiting_seats, offered, offers_made, converted, expired, cancelled
                      FROM reporting.waitlist WHERE showtime_id = pg_temp.fx('showtime')$$,
    $$VALUES (5, 2, 7, 0, 3, 1, 1, 1)$$, 'reporting.waitlist: demand per showtime');
SELECT is_empty($$SELECT a.attname FROM pg_attribute a WHERE a.attrelid = 'reporting.waitlist'::regclass
                    AND a.attname ~ 'email|name|phone' AND a.attname NOT IN ('cinema')$$, 'reporting.waitlist has no personal data');
SELECT ok(has_table_privilege('bi_reader', 'reporting.waitlist', 'SELECT')
          AND NOT has_table_privilege('bi_reader', 'booking.waitlist', 'SELECT'), 'bi_reader reads the view, not the table');

-- the showtime starts: its list closes
SET LOCAL marquee.now = '2030-01-02 01:00Z';
SELECT is((SELECT closed FROM booking.waitlist_sweep()), 2, 'a started showtime closes its list');
SELECT is(pg_temp.st('w1') || ',' || pg_temp.st('w4'), 'EXPIRED,EXPIRED', 'its waiting entries are EXPIRED');
SELECT throws_ok($$SELECT pg_temp.join_('late', 1)$$, 'MQ015', NULL, 'a started showtime takes no one: SHOWTIME_NOT_ON_SALE');

SELECT * FROM finish();
ROLLBACK;
