"""The catalogue: cinemas, what is on, showtimes and the seat map (with ETag revalidation)."""
