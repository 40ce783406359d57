"""Payments through Stripe: the gateway the API calls, the webhook, and the jobs around them."""
