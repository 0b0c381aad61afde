"""What the registry knows about a topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    key: str  # what the record key is; a person's events are keyed by the person id so they stay ordered
    event_types: tuple[str, ...]
    partner_visible: bool = False
