"""TEMPORARY: moved to shared/messaging/envelope.py (this module goes once nothing imports it)."""

from shared.messaging.envelope import Envelope, typed

__all__ = ["Envelope", "typed"]
