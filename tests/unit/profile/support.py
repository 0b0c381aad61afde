"""Helpers of the profile API's unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI


@contextmanager
def replaced(app: FastAPI, **fakes: object) -> Iterator[None]:
    """The app's wired objects (`app.state`) replaced by fakes, restored after (pytest's monkeypatch cannot
    restore Starlette's State)."""
    before = {name: getattr(app.state, name, None) for name in fakes}
    for name, fake in fakes.items():
        setattr(app.state, name, fake)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(app.state, name, value)
