"""Refusals of the service layer that the API turns into a 4xx answer."""

from __future__ import annotations


class Refused(Exception):
    """A request the caller may not make, with the HTTP status that says why (403, 404, 409, 410...)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
