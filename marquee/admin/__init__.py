"""Operators: catalogue maintenance, seat blocks, bookings and cancellation on a customer's behalf, smart seating."""
