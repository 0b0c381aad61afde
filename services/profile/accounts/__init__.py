"""Accounts: sign-up and sign-in by magic link, access and refresh tokens, roles."""
