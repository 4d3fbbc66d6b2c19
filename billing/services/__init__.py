"""Billing writes: the account and its entitlement, purchases through Stripe, the package catalogue."""
