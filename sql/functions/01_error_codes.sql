-- The one error catalogue: every error the API answers, with its stable code and HTTP status (docs/errors.md).
--
--   sqlstate    what the database raises: class MQ for the functions' own errors (MQ0xx core, MQ5xx outbox, MQIxx
--               idempotency, MQPxx payments, MQAxx operators and access), Postgres' own race states, and the reserved class MQH for errors
--               the HTTP layer alone raises (never raised in SQL; the API looks them up by code)
--   raised_by   function (booking_internal.raise_error), postgres (a race state) or api (the HTTP layer)
--   answer_code the code the client sees when it is not `code` (a lost race is SEAT_UNAVAILABLE to the client)
--   fixed_message        replaces Postgres' own message, which is not for clients
--   framework_statuses   the HTTP framework's statuses this code answers (an unparsable body, 400, is a 422 here)
--   constraint_names     constraints whose violation answers this code (set below the VALUES, migration 020)
--
-- Two answers have no row: 500 INTERNAL_ERROR means "not in this catalogue", and until the API has read the
-- catalogue (the database unreachable at start-up) it answers 503 SERVICE_UNAVAILABLE.
-- UNAUTHORIZED and FORBIDDEN were MQH01/MQH02 (HTTP layer only) until SQL raised them too (issue 18).
DELETE FROM booking.error_codes WHERE sqlstate IN ('MQH01', 'MQH02');
-- EXCHANGE_PAYMENT_REQUIRED (MQX04) is gone: a dearer exchange now waits for its payment (issue 21).
DELETE FROM booking.error_codes WHERE sqlstate = 'MQX04';
INSERT INTO booking.error_codes (sqlstate, code, http_status, raised_by, answer_code, fixed_message, framework_statuses,
                                 description)
SELECT sqlstate, code, http_status, raised_by, answer_code, fixed_message, framework_statuses::int[], description
  FROM (VALUES
    -- core (sql/functions/00_core.sql .. 30_bookings.sql)
    ('MQ001', 'VALIDATION_ERROR',         422, 'function', NULL, NULL, '{400,422}', 'An argument is missing, malformed or out of range.'),
    ('MQ002', 'SHOWTIME_NOT_FOUND',       404, 'function', NULL, NULL, '{}', 'No showtime with that id.'),
    ('MQ003', 'SEAT_NOT_FOUND',           404, 'function', NULL, NULL, '{}', 'A seat id does not exist in the showtime''s auditorium.'),
    ('MQ004', 'HOLD_NOT_FOUND',           404, 'function', NULL, NULL, '{}', 'No hold with that id.'),
    ('MQ005', 'BOOKING_NOT_FOUND',        404, 'function', NULL, NULL, '{}', 'No booking with that id / reference (and email).'),
    ('MQ006', 'CINEMA_NOT_FOUND',         404, 'function', NULL, NULL, '{}', 'No cinema with that id.'),
    ('MQ007', 'MOVIE_NOT_FOUND',          404, 'function', NULL, NULL, '{}', 'No movie with that id.'),
    ('MQ008', 'AUDITORIUM_NOT_FOUND',     404, 'function', NULL, NULL, '{}', 'No auditorium with that id.'),
    ('MQ009', 'PROMO_NOT_FOUND',          404, 'function', NULL, NULL, '{}', 'No promo code with that id (admin).'),
    ('MQ010', 'SEAT_UNAVAILABLE',         409, 'function', NULL, NULL, '{}', 'One or more seats are held, booked or blocked; details.seatIds lists them.'),
    ('MQ011', 'HOLD_EXPIRED',             410, 'function', NULL, NULL, '{}', 'The hold has expired; its seats are back on sale.'),
    ('MQ012', 'HOLD_NOT_YOURS',           403, 'function', NULL, NULL, '{}', 'The session token does not match the hold''s.'),
    ('MQ013', 'HOLD_NOT_ACTIVE',          409, 'function', NULL, NULL, '{}', 'The hold was released or already confirmed.'),
    ('MQ014', 'TOO_MANY_SEATS',           409, 'function', NULL, NULL, '{}', 'More seats than max_seats_per_hold (a setting) for one session and showtime, counting what it holds already.'),
    ('MQ015', 'SHOWTIME_NOT_ON_SALE',     409, 'function', NULL, NULL, '{}', 'The showtime has started, ended or been cancelled.'),
    ('MQ020', 'PROMO_INVALID',            422, 'function', NULL, NULL, '{}', 'Unknown promo code.'),
    ('MQ021', 'PROMO_EXPIRED',            422, 'function', NULL, NULL, '{}', 'The promo code is outside its validity window or disabled.'),
    ('MQ022', 'PROMO_USED_UP',            422, 'function', NULL, NULL, '{}', 'The promo code reached its maximum number of uses.'),
    ('MQ023', 'PROMO_MIN_TICKETS',        422, 'function', NULL, NULL, '{}', 'The promo code needs more tickets in the booking.'),
    ('MQ030', 'BOOKING_NOT_PAYABLE',      409, 'function', NULL, NULL, '{}', 'The booking is not waiting for payment.'),
    ('MQ031', 'PAYMENT_WINDOW_EXPIRED',   410, 'function', NULL, NULL, '{}', 'The payment window ended; the booking expired and its seats were released.'),
    ('MQ032', 'PAYMENT_MISMATCH',         422, 'function', NULL, NULL, '{}', 'The payment intent does not belong to this booking.'),
    ('MQ040', 'CANCEL_TOO_LATE',          409, 'function', NULL, NULL, '{}', 'Too close to the showtime to cancel (cancel_cutoff_minutes).'),
    ('MQ041', 'ALREADY_CANCELLED',        409, 'function', NULL, NULL, '{}', 'The booking is already cancelled.'),
    ('MQ042', 'BOOKING_NOT_CANCELLABLE',  409, 'function', NULL, NULL, '{}', 'The booking expired or its payment failed; nothing to cancel.'),
    ('MQ043', 'REFUND_EXCEEDS_PAID',      422, 'function', NULL, NULL, '{}', 'The refund is more than what was paid and not yet refunded.'),
    ('MQ044', 'REFUND_NOT_FOUND',         404, 'function', NULL, NULL, '{}', 'No refund with that id.'),
    ('MQ050', 'SHOWTIME_OVERLAP',         409, 'function', NULL, NULL, '{}', 'The auditorium is busy (showtime plus cleaning) at that time.'),
    ('MQ051', 'CONFLICT',                 409, 'function', NULL, NULL, '{409}', 'The change conflicts with the current state (details say why).'),
    -- the API's document and constraints (issue 17): MQ07x
    ('MQ070', 'NAME_TAKEN',               409, 'function', NULL, NULL, '{}', 'The name is taken: a cinema''s, an auditorium''s in its cinema, or a promo code; details.field names it.'),
    -- smart seating (75_smart_seating.sql)
    ('MQ060', 'SEAT_LONE',                409, 'function', NULL, NULL, '{}', 'The hold would leave a single empty seat; details.seatIds names the seat(s) to add or shift to.'),
    ('MQ061', 'BEST_AVAILABLE_NOT_FOUND', 409, 'function', NULL, NULL, '{}', 'No seats match the best-available request (quantity, types, together, accessible).'),
    ('MQ062', 'COMPANION_SEAT_RESERVED',  409, 'function', NULL, NULL, '{}', 'Companion seats are kept for wheelchair buyers until details.releaseAt.'),
    ('MQ063', 'CHANNEL_RESERVED',         409, 'function', NULL, NULL, '{}', 'Seats are allocated to a sales channel; hold them through that channel.'),
    -- reporting (80_reporting.sql; the CSV route raises it too for a name that is not <report>.csv)
    ('MQ080', 'REPORT_NOT_FOUND',         404, 'function', NULL, NULL, '{}', 'No reporting view with that name.'),
    -- idempotency (40_idempotency.sql)
    ('MQI01', 'IDEMPOTENCY_KEY_REUSED',   422, 'function', NULL, NULL, '{}', 'The Idempotency-Key was already used with a different request.'),
    ('MQI02', 'IDEMPOTENCY_IN_PROGRESS',  409, 'function', NULL, NULL, '{}', 'A request with this Idempotency-Key is still being processed; retry later.'),
    -- notifications (50_outbox.sql; MAIL_NOT_FOUND is the demo mailbox's, raised by the HTTP layer)
    ('MQ501', 'OUTBOX_MESSAGE_NOT_FOUND', 404, 'function', NULL, NULL, '{}', 'No outbox message with that id.'),
    ('MQ502', 'OUTBOX_NOT_FAILED',        409, 'function', NULL, NULL, '{}', 'Only a FAILED (parked) message can be retried.'),
    ('MQ503', 'MAIL_NOT_FOUND',           404, 'api',      NULL, NULL, '{}', 'No email of that name in the demo mailbox.'),
    -- payments (60_payments.sql and the payments domain)
    ('MQP01', 'PAYMENT_PROVIDER_UNAVAILABLE', 503, 'api',  NULL, NULL, '{}', 'The payment provider cannot be reached; nothing was charged or changed. Retry shortly.'),
    ('MQP02', 'INVALID_SIGNATURE',        401, 'api',      NULL, NULL, '{}', 'The webhook''s Stripe-Signature is missing, wrong or too old (it authenticates the sender).'),
    ('MQP03', 'WEBHOOK_EVENT_INVALID',    400, 'function', NULL, NULL, '{}', 'The webhook body is not a Stripe event.'),
    ('MQP04', 'PAYMENT_DECLINED',         402, 'api',      NULL, NULL, '{}', 'The card was declined; the booking keeps waiting for payment (details.declineCode).'),
    ('MQP05', 'PAYMENT_REJECTED',         422, 'api',      NULL, NULL, '{}', 'The provider refused the request for good (e.g. an amount below its minimum); details.providerCode.'),
    -- operators, roles and scopes (03_operators.sql; issue 18). UNAUTHORIZED and FORBIDDEN are raised by
    -- booking.require() and by the HTTP layer (a request with no credential at all never reaches SQL).
    ('MQA01', 'UNAUTHORIZED',             401, 'function', NULL, NULL, '{401}', 'No valid operator credential: log in (POST /api/auth/login) or send an API key / ADMIN_TOKEN as Authorization: Bearer.'),
    ('MQA02', 'FORBIDDEN',                403, 'function', NULL, NULL, '{403}', 'The operator''s role or cinemas do not allow this (details.permission, details.cinemaId).'),
    ('MQA03', 'INVALID_CREDENTIALS',      401, 'api',      NULL, NULL, '{}', 'Wrong email or password (the same answer, in the same time, for an unknown email).'),
    ('MQA04', 'TOO_MANY_LOGIN_ATTEMPTS',  429, 'function', NULL, NULL, '{}', 'Too many failed logins for this email or from this address; see Retry-After.'),
    ('MQA05', 'OPERATOR_NOT_FOUND',       404, 'function', NULL, NULL, '{}', 'No operator with that id.'),
    ('MQA06', 'EMAIL_TAKEN',              409, 'function', NULL, NULL, '{}', 'Another operator has that email (whatever its case).'),
    ('MQA07', 'API_KEY_NOT_FOUND',        404, 'function', NULL, NULL, '{}', 'No API key with that id.'),
    -- the HTTP layer (marquee/http): limits, the framework's own errors, outages
    ('MQH03', 'NOT_FOUND',                404, 'api',      NULL, NULL, '{404}', 'No such route or page.'),
    ('MQH04', 'METHOD_NOT_ALLOWED',       405, 'api',      NULL, NULL, '{405}', 'The route exists, not with this HTTP method.'),
    ('MQH05', 'PAYLOAD_TOO_LARGE',        413, 'api',      NULL, NULL, '{413}', 'The request body is larger than MAX_BODY_BYTES.'),
    ('MQH06', 'UNSUPPORTED_MEDIA_TYPE',   415, 'api',      NULL, NULL, '{415}', 'The request body is not of a type the route accepts.'),
    ('MQH07', 'RATE_LIMITED',             429, 'api',      NULL, NULL, '{429}', 'More booking requests per minute from this address than RATE_LIMIT_PER_MINUTE; see Retry-After.'),
    ('MQH08', 'SERVICE_UNAVAILABLE',      503, 'api',      NULL, NULL, '{503}', 'The database (or live updates) cannot be reached; retry shortly (Retry-After).'),
    -- constraints Postgres enforces (issue 17): a violation no function caught first is still a clear 4xx;
    -- details name the constraint (and the field where Postgres reports one)
    ('23505', 'UNIQUE_VIOLATION',         409, 'postgres', 'CONFLICT', 'the change conflicts with an existing row', '{}',
              'A unique constraint no function checked first (a race); answers CONFLICT unless the constraint has its own code.'),
    ('23503', 'FOREIGN_KEY_VIOLATION',    409, 'postgres', 'CONFLICT', 'the change refers to a row that does not exist or is still referenced', '{}',
              'A foreign key no function checked first (a concurrent delete); answers CONFLICT.'),
    ('23514', 'CHECK_VIOLATION',          422, 'postgres', 'VALIDATION_ERROR', 'a value is out of range', '{}',
              'A check constraint no function checked first; answers VALIDATION_ERROR naming the constraint.'),
    ('23502', 'NOT_NULL_VIOLATION',       422, 'postgres', 'VALIDATION_ERROR', 'a required value is missing', '{}',
              'A required column got no value; answers VALIDATION_ERROR naming the field.'),
    -- races lost inside Postgres: to the client the seat was simply taken
    ('23P01', 'SEAT_UNAVAILABLE_RACE',    409, 'postgres', 'SEAT_UNAVAILABLE', 'a seat was taken by a concurrent booking; choose other seats', '{}',
              'A concurrent claim won the seat (exclusion constraint); retry with other seats.'),
    ('40P01', 'SEAT_UNAVAILABLE_DEADLOCK',409, 'postgres', 'SEAT_UNAVAILABLE', 'a seat was taken by a concurrent booking; choose other seats', '{}',
              'A concurrent claim won the seat (deadlock); retry.'),
    -- issue 21: waiting list and exchanges
    ('MQW01', 'SEATS_AVAILABLE',          409, 'function', NULL, NULL, '{}', 'The party can be seated now (best available finds seats): book instead of joining the waiting list.'),
    ('MQW02', 'WAITLIST_NOT_FOUND',       404, 'function', NULL, NULL, '{}', 'No waiting-list entry with that id.'),
    ('MQW03', 'WAITLIST_NOT_ACTIVE',      409, 'function', NULL, NULL, '{}', 'The waiting-list entry is already BOOKED or EXPIRED: there is nothing to leave.'),
    ('MQX01', 'TOO_LATE_TO_EXCHANGE',     409, 'function', NULL, NULL, '{}', 'Too close to the booking''s showtime to exchange it (cancel_cutoff_minutes).'),
    ('MQX02', 'BOOKING_NOT_CONFIRMED',    409, 'function', NULL, NULL, '{}', 'Only a CONFIRMED booking can be exchanged (details.status says what it is).'),
    ('MQX03', 'EXCHANGE_OTHER_CINEMA',    422, 'function', NULL, NULL, '{}', 'The target showtime is in another cinema: a booking only moves within its cinema.'),
    ('MQX05', 'EXCHANGE_PENDING',         409, 'function', NULL, NULL, '{}', 'The booking has a dearer exchange waiting for payment (details.exchangeId, paymentIntentId, paymentDeadline): pay it or wait until it expires.'),
    ('MQX06', 'EXCHANGE_NOT_FOUND',       404, 'function', NULL, NULL, '{}', 'No exchange with that id.'),
    -- issue 20: waiting room (91_queue.sql)
    ('MQQ01', 'NOT_YET_ON_SALE',          403, 'function', NULL, NULL, '{}', 'Tickets for the showtime go on sale at details.opensAt; holds are refused until then.'),
    ('MQQ02', 'ADMISSION_REQUIRED',       403, 'function', NULL, NULL, '{}', 'The showtime sells through its waiting room: join the queue and send X-Admission-Token (bound to the session token) once admitted.'),
    ('MQQ03', 'ADMISSION_EXPIRED',        403, 'function', NULL, NULL, '{}', 'The admission window ended (details.admittedUntil) or the buyer left the waiting room.'),
    ('MQQ04', 'QUEUE_NOT_FOUND',          404, 'function', NULL, NULL, '{}', 'No waiting-room entry with that queue id (for this session).'),
    ('MQQ05', 'QUEUE_NOT_ENABLED',        409, 'function', NULL, NULL, '{}', 'The showtime has no waiting room (no on-sale schedule with queue on).'),
    ('MQQ06', 'ON_SALE_NOT_FOUND',        404, 'function', NULL, NULL, '{}', 'The showtime has no on-sale schedule.'),
    -- issue 19: check-in (sql/functions/90_checkin.sql, docs/checkin.md)
    ('MQT01', 'TICKET_INVALID',           422, 'function', NULL, NULL, '{}', 'Not a ticket code of ours: malformed, a bad signature, an unknown key or an unknown ticket.'),
    ('MQT02', 'TICKET_ALREADY_USED',      409, 'function', NULL, NULL, '{}', 'The ticket was already checked in (details.firstScannedAt, details.door).'),
    ('MQT03', 'TICKET_VOID',              409, 'function', NULL, NULL, '{}', 'The ticket was voided: its booking or seat was cancelled or exchanged.'),
    ('MQT04', 'TICKET_WRONG_SHOWTIME',    409, 'function', NULL, NULL, '{}', 'The ticket is for another showtime than the scanner''s (details name the ticket''s own).'),
    ('MQT05', 'TICKET_TOO_EARLY',         409, 'function', NULL, NULL, '{}', 'Check-in opens CHECKIN_OPENS_MINUTES before the start (details.opensAt).'),
    ('MQT06', 'TICKET_NOT_CHECKED_IN',    409, 'function', NULL, NULL, '{}', 'Undo of a ticket that has no check-in to reverse.')
  ) AS e(sqlstate, code, http_status, raised_by, answer_code, fixed_message, framework_statuses, description)
ON CONFLICT (sqlstate) DO UPDATE
    SET code = EXCLUDED.code, http_status = EXCLUDED.http_status, raised_by = EXCLUDED.raised_by,
        answer_code = EXCLUDED.answer_code, fixed_message = EXCLUDED.fixed_message,
        framework_statuses = EXCLUDED.framework_statuses, description = EXCLUDED.description;

-- Constraints with a code of their own (the rest answer their SQLSTATE's row above).
UPDATE booking.error_codes e SET constraint_names = c.names
  FROM (VALUES
    ('NAME_TAKEN', '{cinemas_name_key,auditoriums_cinema_id_name_key,promo_codes_code}'::text[])
  ) AS c(code, names)
 WHERE e.code = c.code AND e.constraint_names IS DISTINCT FROM c.names;
