"""The booking flow: holds (seat ids, best available, channels), pricing, confirm, payment, cancellation."""
