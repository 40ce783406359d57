-- Issue 22: cancellation reasons BI can report on without reading anyone's words. A booking's free-text
-- cancel_reason stays for operators; reports group by cancel_reason_category, chosen from this list by the customer
-- or the operator who cancels (booking.cancel(..., p_reason_category)). The list: docs/reporting.md.
CREATE TABLE booking.cancel_reason_categories (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z_]{1,39}$'),
    chosen_by   text NOT NULL CHECK (chosen_by IN ('anyone', 'operator')),
    label       text NOT NULL,
    description text NOT NULL,
    sort_order  int NOT NULL UNIQUE
);
INSERT INTO booking.cancel_reason_categories (code, chosen_by, label, description, sort_order) VALUES
    ('NOT_GIVEN',          'anyone',   'Not given',            'No category was chosen (the default).', 1),
    ('CHANGE_OF_PLANS',    'anyone',   'Change of plans',      'The customer can no longer come.', 2),
    ('ILLNESS',            'anyone',   'Illness',              'The customer or a companion is unwell.', 3),
    ('WRONG_SHOWTIME',     'anyone',   'Wrong showtime',       'Booked the wrong date, time, movie or cinema.', 4),
    ('WRONG_SEATS',        'anyone',   'Wrong seats',          'Booked seats the customer did not want.', 5),
    ('DUPLICATE_BOOKING',  'anyone',   'Duplicate booking',    'The same visit was booked twice.', 6),
    ('TRAVEL_DISRUPTION',  'anyone',   'Travel disruption',    'Transport or weather keeps the customer away.', 7),
    ('PRICE',              'anyone',   'Price',                'Found it too expensive or a better offer.', 8),
    ('OTHER',              'anyone',   'Other',                'Any other reason.', 9),
    ('SHOWTIME_CANCELLED', 'operator', 'Showtime cancelled',   'The cinema cancelled or moved the showtime.', 10),
    ('TECHNICAL_FAULT',    'operator', 'Technical fault',      'Projection, sound, seats or building fault.', 11),
    ('CUSTOMER_SERVICE',   'operator', 'Customer service',     'Cancelled by staff at the customer''s request or as goodwill.', 12),
    ('PAYMENT_PROBLEM',    'operator', 'Payment problem',      'Suspected fraud, chargeback or a payment the cinema refuses.', 13);

ALTER TABLE booking.bookings
    ADD COLUMN cancel_reason_category text REFERENCES booking.cancel_reason_categories (code);
-- Cancellations made before the list existed (and rows bulk-loaded around booking.cancel) have NULL: reports
-- count them as NOT_GIVEN.
UPDATE booking.bookings SET cancel_reason_category = 'NOT_GIVEN' WHERE status = 'CANCELLED';
