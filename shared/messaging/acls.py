"""Kafka ACLs, generated from the contract registry (shared/topics.py), never written by hand.

Each service has its own principal (`User:<service>`, a SCRAM user): it may WRITE the topics it publishes (its
events, its privacy answers, the dead letters of its consumers), READ the topics it subscribes to, and READ its
own consumer group, the Faust app id `bob-<service>`. Nothing else: no cluster right, no other group, no topic
creation (topics come from the registry, created by the admin). The workers need no more: Faust runs without
internal topics here (memory store, no tables, `topic_allow_declare=False`, `topic_disable_leader=True`), and an
idempotent producer needs only WRITE on a topic since Kafka 3.0 (KIP-679).

A partner (`User:partner-<name>`) may READ the partner-visible topics and its own consumer groups: `partner-<name>`
and those named `partner-<name>.<anything>`. Of a per-partner topic (`partner.{partner}.events`) it reads its own
only (a literal ACL), and the service publishing it may write every partner's (an ACL prefixed `partner.`).
The super user `admin` needs no ACL (it administers: topics, users,
ACLs). DESCRIBE is implied by READ and WRITE in Kafka; it is granted explicitly so the ACL list reads plainly.

`apply` makes the broker's ACLs of the rules' principals exactly the rules: run it again after the registry
changes (`python -m shared.admin apply-acls`) and rights a service lost are revoked. It, `revoke` and
`drop_topic_acls` return once the broker enforces the change: in KRaft the controller acknowledges an ACL when it is
committed, and the broker's authorizer applies it a moment later, so a partner just revoked could still read."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kafka import KafkaAdminClient  # type: ignore[import-untyped]
from kafka.admin import (  # type: ignore[import-untyped]
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)
from tenacity import RetryError, Retrying, stop_after_delay, wait_fixed

from shared.messaging.contracts import PARTNER_SLOT, Registry
from shared.topics import REGISTRY

# The platform's services, each its own Kafka principal (SCRAM user name).
PRINCIPALS: tuple[str, ...] = ("profile", "diagnosis", "advice", "pledges", "followup", "notifier", "partners")
ADMIN = "admin"
# The consumer-lag exporter (shared/messaging/lag_exporter.py): it may only DESCRIBE the services' groups and the
# topics they read, which is what fetching committed offsets, end offsets and metadata takes. It reads no record.
MONITOR = "monitor"
PARTNER_PREFIX = "partner-"
ANY_HOST = "*"
# A partner's name becomes part of a user name and of group names: short, lower case, no dot.
_PARTNER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

Resource = Literal["topic", "group"]
Operation = Literal["READ", "WRITE", "DESCRIBE"]
_RESOURCE_TYPES = {"topic": ResourceType.TOPIC, "group": ResourceType.GROUP}


@dataclass(frozen=True, order=True)
class Rule:
    """One ALLOW ACL: `user` may do `operation` on the topic or group `name` (every name starting with it when
    `prefixed`)."""

    user: str
    resource: Resource
    name: str
    operation: Operation
    prefixed: bool = False

    @property
    def principal(self) -> str:
        return f"User:{self.user}"

    def acl(self) -> ACL:
        pattern = ACLResourcePatternType.PREFIXED if self.prefixed else ACLResourcePatternType.LITERAL
        return ACL(
            principal=self.principal, host=ANY_HOST, operation=ACLOperation[self.operation],
            permission_type=ACLPermissionType.ALLOW,
            resource_pattern=ResourcePattern(_RESOURCE_TYPES[self.resource], self.name, pattern),
        )


class AclError(RuntimeError):
    """The broker refused to create or delete ACLs, or did not enforce them in time."""


def consumer_group(service: str) -> str:
    """A service's consumer group: its workers' Faust app id."""
    return f"bob-{service}"


def partner_user(name: str) -> str:
    """The SCRAM user name of the partner `name` (validated)."""
    if not _PARTNER_NAME.match(name):
        raise ValueError(f"partner name {name!r}: lower-case letters, digits and hyphens, at most 40")
    return f"{PARTNER_PREFIX}{name}"


def _topic(user: str, topic: str, operation: Operation) -> list[Rule]:
    return [Rule(user, "topic", topic, operation), Rule(user, "topic", topic, "DESCRIBE")]


def service_rules(registry: Registry = REGISTRY) -> list[Rule]:
    """Every service principal's rules, from the registry's publishers and subscribers."""
    rules: set[Rule] = set()
    for topic in registry.topics:
        for service in set(topic.publishers) & set(PRINCIPALS):
            if topic.per_partner:
                prefix = topic.name.split(PARTNER_SLOT)[0]
                rules.update(Rule(service, "topic", prefix, op, prefixed=True) for op in ("WRITE", "DESCRIBE"))
                continue
            rules.update(_topic(service, topic.name, "WRITE"))
        for service in set(topic.subscribers) & set(PRINCIPALS):
            rules.update(_topic(service, topic.name, "READ"))
            rules.add(Rule(service, "group", consumer_group(service), "READ"))
    return sorted(rules)


def subscriptions(registry: Registry = REGISTRY) -> dict[str, list[str]]:
    """{consumer group: the topics it reads}, for the services' groups."""
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for topic in registry.topics:
        for service in set(topic.subscribers) & set(PRINCIPALS):
            groups[consumer_group(service)].add(topic.name)
    return {group: sorted(topics) for group, topics in sorted(groups.items())}


def monitor_rules(registry: Registry = REGISTRY) -> list[Rule]:
    """The lag exporter's rules: DESCRIBE the services' consumer groups and the topics they read, nothing else."""
    groups = subscriptions(registry)
    topics = {topic for read in groups.values() for topic in read}
    return sorted([*(Rule(MONITOR, "group", g, "DESCRIBE") for g in groups),
                   *(Rule(MONITOR, "topic", t, "DESCRIBE") for t in topics)])


def _partner(user: str, registry: Registry) -> list[Rule]:
    name = user.removeprefix(PARTNER_PREFIX)
    rules = [rule for topic in registry.topics if topic.partner_visible
             for rule in _topic(user, topic.address(name) if topic.per_partner else topic.name, "READ")]
    return sorted([*rules, Rule(user, "group", user, "READ"), Rule(user, "group", f"{user}.", "READ", prefixed=True)])


def partner_rules(name: str, registry: Registry = REGISTRY) -> list[Rule]:
    """The rules of the partner `name`: read the partner-visible topics, with its own consumer groups."""
    return _partner(partner_user(name), registry)


def partner_template(registry: Registry = REGISTRY) -> list[Rule]:
    """Any partner's rules, with the user written `partner-<name>` (for the catalogue)."""
    return _partner(f"{PARTNER_PREFIX}<name>", registry)


def by_resource(rules: Iterable[Rule], resource: Resource) -> dict[str, dict[str, list[str]]]:
    """{topic or group: {principal: sorted operations}}; a prefixed name ends with `*`."""
    table: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rule in rules:
        if rule.resource == resource:
            table[f"{rule.name}*" if rule.prefixed else rule.name][rule.principal].add(rule.operation)
    return {name: {p: sorted(ops) for p, ops in sorted(grants.items())} for name, grants in sorted(table.items())}


def _of(principal: str) -> ACLFilter:
    return ACLFilter(
        principal=principal, host=None, operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,
        resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY),
    )


def _on_topic(topic: str) -> ACLFilter:
    return ACLFilter(
        principal=None, host=None, operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,
        resource_pattern=ResourcePatternFilter(ResourceType.TOPIC, topic, ACLResourcePatternType.LITERAL),
    )


def _described(admin: KafkaAdminClient, filters: Iterable[ACLFilter]) -> set[ACL]:
    found: set[ACL] = set()
    for acl_filter in filters:
        acls, _ = admin.describe_acls(acl_filter)
        found.update(acls)
    return found


def current(admin: KafkaAdminClient, principals: Iterable[str]) -> set[ACL]:
    """The broker's ACLs of these principals (`User:<name>`)."""
    return _described(admin, [_of(principal) for principal in sorted(principals)])


# Enforcing an ACL takes the broker milliseconds; this bound is for a broker that is busy or restarting.
ENFORCED_WITHIN_S = 30.0


def _until_enforced(admin: KafkaAdminClient, filters: list[ACLFilter], wanted: set[ACL]) -> None:
    """Wait until the broker describes exactly `wanted` for these filters (what its authorizer holds)."""
    try:
        for attempt in Retrying(stop=stop_after_delay(ENFORCED_WITHIN_S), wait=wait_fixed(0.1)):
            with attempt:
                if _described(admin, filters) != wanted:
                    raise AclError("the broker does not enforce the ACLs yet")
    except RetryError as error:
        raise AclError(f"the broker did not enforce the ACL change within {ENFORCED_WITHIN_S:.0f} s") from error


def _delete(admin: KafkaAdminClient, filters: list[ACLFilter]) -> None:
    if filters:
        failed = [error for _, _, error in admin.delete_acls(filters) if error.errno]
        if failed:
            raise AclError(f"could not delete ACLs: {failed}")


def apply(admin: KafkaAdminClient, rules: list[Rule]) -> None:
    """Make the ACLs of the rules' principals exactly `rules`: create the missing ones and delete the others.
    Idempotent; needs the super user."""
    wanted = {rule.acl() for rule in rules}
    principals = [_of(principal) for principal in sorted({rule.principal for rule in rules})]
    existing = _described(admin, principals)
    _delete(admin, sorted(existing - wanted, key=repr))
    missing = sorted(wanted - existing, key=repr)
    if missing:
        failed = admin.create_acls(missing)["failed"]
        if failed:
            raise AclError(f"could not create ACLs: {failed}")
    _until_enforced(admin, principals, wanted)


def drop_topic_acls(admin: KafkaAdminClient, topics: Iterable[str]) -> None:
    """Delete every ACL, of any principal, on these topics (retired ones)."""
    filters = [_on_topic(topic) for topic in topics]
    _delete(admin, filters)
    _until_enforced(admin, filters, set())


def revoke(admin: KafkaAdminClient, user: str) -> None:
    """Delete every ACL of `user` (a partner leaving)."""
    filters = [_of(f"User:{user}")]
    _delete(admin, filters)
    _until_enforced(admin, filters, set())
