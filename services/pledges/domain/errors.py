"""Refusals of the pledges rules; the API maps each kind to its HTTP status in one place (entrypoints/api.py)."""

from __future__ import annotations


class Refused(Exception):
    """A request the caller may not make; the subclass says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotFound(Refused):
    """No such thing (or nothing yet)."""


class NotAllowed(Refused):
    """Someone else's, or the account was erased."""


class AlreadyDone(Refused):
    """It exists already (a second sign-up)."""


class Over(Refused):
    """It existed but is over: a review done or timed out, a document removed, a helper who unsubscribed."""


class Erased(NotAllowed):
    """The account asked for erasure: nothing is stored about it any more."""

    def __init__(self) -> None:
        super().__init__("this account was erased")
