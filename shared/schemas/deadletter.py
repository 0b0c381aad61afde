"""Data of the `deadletter` event: a record a consumer could not read or handle, kept whole with the reason."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class DeadLetter(BaseModel):
    """Version 2: the exact bytes (base64), so nothing is lost even when the record was not UTF-8."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_topic: str = Field(description="The topic the record was read from")
    consumer: str = Field(description="The consumer that refused it")
    error: str = Field(description="Why: the parse or handling error")
    raw_base64: str = Field(description="The record's value, byte for byte")
    raw_text: str = Field(description="The same value decoded as UTF-8 with replacement, for reading")
    failed_at: dt.datetime = Field(description="When the consumer gave up on the record")

    @property
    def raw(self) -> bytes:
        return base64.b64decode(self.raw_base64)


def upcast_v1(data: dict[str, Any]) -> dict[str, Any]:
    """v1 kept only `raw_value`, the value decoded as UTF-8 with replacement: its bytes are those of that text."""
    rest = {k: v for k, v in data.items() if k != "raw_value"}
    text = str(data["raw_value"])
    return {**rest, "raw_text": text, "raw_base64": base64.b64encode(text.encode()).decode()}
