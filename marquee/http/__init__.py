"""The HTTP layer every domain shares: errors, responses, auth, rate limit, idempotency, middleware, health."""
