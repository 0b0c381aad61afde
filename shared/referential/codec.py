"""Records ↔ MongoDB documents: field names are identical, so the mapping is mechanical."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from shared.referential.records import ContractShare, DiplomaShare

RecordT = TypeVar("RecordT")


def _plain(item: Any) -> Any:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    return item


def to_document(record: Any) -> dict[str, Any]:
    """A dict ready for `$set` (tuples become lists, nested records become dicts)."""
    document: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, tuple):
            value = [_plain(item) for item in value]
        elif isinstance(value, dict):
            value = dict(value)
        document[field.name] = value
    return document


def from_document(record_type: type[RecordT], document: dict[str, Any]) -> RecordT:
    """The record for a stored document; unknown keys (such as _id) are ignored, missing ones take defaults."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(record_type):  # type: ignore[arg-type]
        if field.name not in document:
            continue
        value = document[field.name]
        if field.name == "diploma_requirements":
            value = tuple(DiplomaShare(item["degree"], item["percent_offers"]) for item in value or ())
        elif field.name == "contract_mix":
            value = tuple(ContractShare(item["contract"], item["percent_offers"]) for item in value or ())
        elif field.name == "hiring_channel_percents":
            value = dict(value or {})
        values[field.name] = value
    return record_type(**values)
