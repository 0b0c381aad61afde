"""One envelope for every event, after CloudEvents 1.0 (structured JSON mode)."""

from __future__ import annotations

import builtins
import datetime as dt
import uuid
from typing import Any, Literal, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T", bound=BaseModel)

SCHEMA_URN = "urn:bob:schema:{type}:v{version}"


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str  # e.g. "/services/profile"
    type: str  # e.g. "profile.submitted"
    time: dt.datetime
    subject: str  # the person id: also the record key, so one person's events stay ordered
    dataschema: str
    schemaversion: int = 1  # CloudEvents extension attribute: version of `data`'s schema
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        *,
        type: str,
        source: str,
        subject: str,
        data: BaseModel,
        version: int = 1,
        id: str | None = None,
        time: dt.datetime | None = None,
    ) -> Envelope:
        return cls(
            id=id or str(uuid.uuid4()),
            source=source,
            type=type,
            time=time or dt.datetime.now(dt.UTC),
            subject=subject,
            dataschema=SCHEMA_URN.format(type=type, version=version),
            schemaversion=version,
            data=data.model_dump(mode="json"),
        )

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        return cls.model_validate_json(raw)

    def payload(self, model: builtins.type[T]) -> T:
        return model.model_validate(self.data)

    @property
    def key(self) -> bytes:
        return self.subject.encode()
