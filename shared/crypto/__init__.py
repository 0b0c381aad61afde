"""Crypto-shredding: per-person data keys (keystore.py) and the sealed fields of events (cipher.py)."""
