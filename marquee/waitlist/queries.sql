-- Queries of the waiting list (issue 21). Rules live in sql/functions/92_waitlist.sql.

-- name: join_waitlist
SELECT booking.join_waitlist(%(showtime_id)s, %(email)s, %(name)s, %(phone)s, %(quantity)s, %(together)s,
                             %(accessible)s, %(seat_types)s::text[])::text;

-- name: waitlist_entry
SELECT booking.waitlist_entry(%(waitlist_id)s)::text;

-- name: leave_waitlist
SELECT booking.leave_waitlist(%(waitlist_id)s)::text;

-- name: showtime_waitlist
-- Operators (bookings.read, checked in SQL).
SELECT booking.showtime_waitlist(%(showtime_id)s)::text;
