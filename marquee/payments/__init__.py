"""Payments through Stripe: the gateway (the domain's public face), refunds, the webhook, the payments job."""
