"""The contract registry: each topic names its event types and, for each, the pydantic model of its data, its
schema version and the upcasters that bring older versions' data up to date.

Producers take the model and version from here (factory.py) and consumers decode through it (`Registry.decode`),
so a type that is not registered can neither be emitted nor read. A version bump is a new model plus an upcaster
from the previous version: records already on the topics stay readable."""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from shared.messaging.envelope import Envelope, any_event, typed

_VERSION_SUFFIX = re.compile(r"v\d+\.json$")
PARTNER_SLOT = "{partner}"
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnregisteredEvent(LookupError):
    """An event type that no topic of the registry declares."""


class UnreadableEvent(ValueError):
    """A record that is not a valid event of a registered type and version (it is dead-lettered)."""


@dataclass(frozen=True)
class EventContract:
    type: str
    model: builtins.type[BaseModel]
    description: str
    version: int = 1
    # upcasters[v] turns the data of version v into the data of version v + 1.
    upcasters: Mapping[int, Upcaster] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [v for v in range(1, self.version) if v not in self.upcasters]
        if missing:
            raise ValueError(f"{self.type} v{self.version} has no upcaster from version(s) {missing}")

    def upcast(self, data: dict[str, Any], version: int) -> dict[str, Any]:
        if version > self.version:
            raise UnreadableEvent(f"{self.type} v{version} is newer than this code knows (v{self.version})")
        for v in range(version, self.version):
            data = self.upcasters[v](data)
        return data


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    key: str  # what the record key is; a person's events are keyed by the person id so they stay ordered
    events: tuple[EventContract, ...]
    description: str
    publishers: tuple[str, ...]
    subscribers: tuple[str, ...]
    partner_visible: bool = False

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(c.type for c in self.events)

    @property
    def per_partner(self) -> bool:
        """A name with the `{partner}` slot stands for one topic per partner (created when the partner is
        registered, not at start): Kafka ACLs are per topic, so only separate topics keep partners apart."""
        return PARTNER_SLOT in self.name

    def address(self, partner: str) -> str:
        """The topic of one partner (a partner name as shared.messaging.acls validates it)."""
        if not self.per_partner:
            raise ValueError(f"{self.name} is not a per-partner topic")
        return self.name.replace(PARTNER_SLOT, partner)


class Registry:
    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics = tuple(topics)
        self.by_name = {t.name: t for t in self.topics}
        self._by_type: dict[str, tuple[Topic, EventContract]] = {}
        for topic in self.topics:
            for contract in topic.events:
                if contract.type in self._by_type:
                    raise ValueError(f"event type {contract.type} is registered on two topics")
                self._by_type[contract.type] = (topic, contract)

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(self._by_type)

    def contract(self, event_type: str) -> EventContract:
        try:
            return self._by_type[event_type][1]
        except KeyError:
            raise UnregisteredEvent(event_type) from None

    def topic_of(self, event_type: str) -> Topic:
        try:
            return self._by_type[event_type][0]
        except KeyError:
            raise UnregisteredEvent(event_type) from None

    def decode(self, raw: bytes, expected: EventContract | None = None) -> Envelope[Any]:
        """The event with its data parsed by its registered model, older versions upcast first.

        With `expected` (a topic of one type), a current record is parsed in one pass; anything else takes the
        general path. Raises UnreadableEvent (for the dead letters)."""
        if expected is not None:
            try:
                event = typed(expected.model).model_validate_json(raw)
                if event.type == expected.type and event.schemaversion == expected.version:
                    return event
            except ValidationError:
                pass
        try:
            envelope = any_event(raw)
            contract = self.contract(envelope.type)
            data = contract.upcast(envelope.data, envelope.schemaversion)
            return typed(contract.model)(**{
                **dict(envelope), "schemaversion": contract.version,
                "dataschema": _VERSION_SUFFIX.sub(f"v{contract.version}.json", envelope.dataschema),
                "data": contract.model.model_validate(data),
            })
        except (ValidationError, ValueError, LookupError) as exc:
            raise UnreadableEvent(str(exc)[:2000]) from None
