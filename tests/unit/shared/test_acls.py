"""The ACLs follow the registry, and the registry's publishers and subscribers are what the code does: the topics
each worker's consumers read and the event types each service makes (found in the source with ast), so a
service's principal holds the rights it uses and no more."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka.admin import ACL, ACLFilter, ACLOperation, ACLResourcePatternType, ResourceType  # type: ignore[import-untyped]
from typer.testing import CliRunner

import shared.topics
from shared import admin
from shared.messaging import acls, catalogue
from shared.messaging.contracts import Registry, Topic
from shared.topics import ALL_TOPICS, DEAD_LETTER, REGISTRY

ROOT = Path(__file__).resolve().parents[3]
TOPICS_BY_TYPE = {t: REGISTRY.topic_of(t).name for t in REGISTRY.event_types}


def _registry_topics(value: object) -> list[Topic]:
    """A name of shared.topics resolved to its topics (a Topic or a tuple of them), else nothing."""
    if isinstance(value, Topic):
        return [value]
    if isinstance(value, tuple) and value and all(isinstance(t, Topic) for t in value):
        return list(value)
    return []


def _named_topics(name: str) -> list[Topic]:
    return _registry_topics(getattr(shared.topics, name, None))


def _imports(tree: ast.Module) -> dict[str, str]:
    """Imported name -> module it comes from."""
    return {alias.asname or alias.name: node.module for node in tree.body if isinstance(node, ast.ImportFrom)
            and node.module for alias in node.names}


def _module_file(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _class(name: str, tree: ast.Module, imports: dict[str, str]) -> tuple[ast.ClassDef, Path | None]:
    """The class definition `name` names in the module (or in the module it is imported from)."""
    source, file = tree, None
    if name in imports:
        file = _module_file(imports[name])
        source = ast.parse(file.read_text(encoding="utf-8"))
    found = [n for n in source.body if isinstance(n, ast.ClassDef) and n.name == name]
    assert found, f"class {name} not found"
    return found[0], file


def _class_topic(cls: ast.ClassDef) -> list[Topic]:
    return [topic for node in cls.body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)
            and any(isinstance(t, ast.Name) and t.id == "topic" for t in node.targets)
            for topic in _named_topics(node.value.id)]


def _attached(tree: ast.Module) -> Iterator[tuple[ast.Call, list[Topic]]]:
    """Each consumer passed to `attach(app, consumer, factory)` (or a variable assigned it) and the topics it reads:
    those its arguments name (directly or through a `for` loop's variable), else its class's `topic` attribute."""
    loops = {node.target.id: node.iter.id for node in ast.walk(tree) if isinstance(node, ast.For)
             and isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Name)}
    variables = {target.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "attach":
            consumer = node.args[1]
            if isinstance(consumer, ast.Name):
                consumer = variables[consumer.id]
            assert isinstance(consumer, ast.Call), ast.unparse(node)
            assert isinstance(consumer.func, ast.Name), ast.unparse(node)
            named = [topic for arg in consumer.args if isinstance(arg, ast.Name)
                     for topic in _named_topics(loops.get(arg.id, arg.id))]
            yield consumer, named


def _emitted_topics(tree: ast.AST) -> set[str]:
    """Topics of the registered event types a module refers to, as a string or as `<TOPIC>.event_types`, except
    in comparisons (reading an event's type) and consumers' `types = (...)` filters."""
    ignored: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) or (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "types" for t in node.targets)):
            ignored.update(id(child) for child in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if id(node) in ignored:
            continue
        if isinstance(node, ast.Constant) and node.value in TOPICS_BY_TYPE:
            found.add(TOPICS_BY_TYPE[node.value])
        if isinstance(node, ast.Attribute) and node.attr == "event_types" and isinstance(node.value, ast.Name):
            found.update(t.name for t in _named_topics(node.value.id) if t is not DEAD_LETTER)
    return found


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def code_parties(service: str) -> tuple[set[str], set[str], str]:
    """(topics the service publishes, topics it subscribes to, its workers' Faust app id), read from its code."""
    worker = ROOT / "services" / service / "entrypoints" / "worker.py"
    tree, imports = _parse(worker), _imports(_parse(worker))
    published = {topic for path in (ROOT / "services" / service).rglob("*.py")
                 for topic in _emitted_topics(_parse(path))}
    subscribed: set[str] = set()
    for consumer, named in _attached(tree):
        assert isinstance(consumer.func, ast.Name)
        cls, file = _class(consumer.func.id, tree, imports)
        topics = named or _class_topic(cls)
        assert topics, f"{service}: no topic found for {ast.unparse(consumer)}"
        subscribed.update(t.name for t in topics)
        if file is not None and not file.is_relative_to(ROOT / "services"):
            published.update(_emitted_topics(_parse(file)))  # a shared consumer's answers (privacy.answers)
    if subscribed:
        published.add(DEAD_LETTER.name)  # every consumer dead-letters what it cannot handle
    apps = [node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name) and node.func.id == "create_faust_app"
            and isinstance(node.args[0], ast.Constant)]
    assert len(apps) == 1, f"{service}: one Faust app per worker"
    return published, subscribed, str(apps[0])


@pytest.mark.parametrize("service", acls.PRINCIPALS)
def test_the_registry_says_what_each_service_publishes_and_subscribes_to(service: str) -> None:
    published, subscribed, app_id = code_parties(service)
    assert published == {t.name for t in ALL_TOPICS if service in t.publishers}, "fix publishers in shared/topics.py"
    assert subscribed == {t.name for t in ALL_TOPICS if service in t.subscribers}, "fix subscribers in shared/topics.py"
    assert app_id == acls.consumer_group(service)


def test_the_scan_tells_emitting_from_reading() -> None:
    source = (
        'factory.event("review.done", s, d, entity="e")\n'
        "(SUBMITTED,) = PROFILE_SUBMITTED.event_types\n"
        'if event.type == "coffee.matched" or event.type in ("followup.assigned",): pass\n'
        'class C:\n    types = ("helper.unsubscribed",)\n'
    )
    assert _emitted_topics(ast.parse(source)) == {"pledges.matches", "profile.submitted"}


def test_every_principal_is_a_registry_party_and_every_service_party_a_principal() -> None:
    parties = {p for t in ALL_TOPICS for p in (*t.publishers, *t.subscribers)}
    assert set(acls.PRINCIPALS) <= parties
    assert parties - set(acls.PRINCIPALS) == {"organisations", "operators"}


def _rights(rules: list[acls.Rule], user: str, resource: str = "topic") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in rules:
        if rule.user == user and rule.resource == resource:
            found.setdefault(rule.name, set()).add(rule.operation)
    return found


@pytest.mark.parametrize("service", acls.PRINCIPALS)
def test_a_service_writes_what_it_publishes_reads_what_it_subscribes_and_its_own_group(service: str) -> None:
    rules = acls.service_rules()
    expected: dict[str, set[str]] = {}
    for topic in ALL_TOPICS:
        if service in topic.publishers:
            # A per-partner topic's publisher writes every partner's: one ACL on the name's prefix.
            name = topic.name.split("{")[0] if topic.per_partner else topic.name
            expected.setdefault(name, {"DESCRIBE"}).add("WRITE")
        if service in topic.subscribers:
            expected.setdefault(topic.name, {"DESCRIBE"}).add("READ")
    assert _rights(rules, service) == expected
    assert _rights(rules, service, "group") == {acls.consumer_group(service): {"READ"}}
    assert {rule.name for rule in rules if rule.prefixed} == {"partner."}
    assert {rule.user for rule in rules} == set(acls.PRINCIPALS)


def test_diagnosis_cannot_touch_email_or_another_services_topic() -> None:
    diagnosis = _rights(acls.service_rules(), "diagnosis")
    assert "notification.requested" not in diagnosis
    assert "pledges.matches" not in diagnosis
    assert diagnosis["profile.submitted"] == {"READ", "DESCRIBE"}
    assert diagnosis[DEAD_LETTER.name] == {"WRITE", "DESCRIBE"}


def test_a_partner_reads_partner_visible_topics_and_its_own_groups_only() -> None:
    rules = acls.partner_rules("acme")
    assert {rule.user for rule in rules} == {"partner-acme"}
    assert _rights(rules, "partner-acme") == {"partner.acme.events": {"READ", "DESCRIBE"}}
    assert "partner.beta.events" not in _rights(acls.partner_rules("acme"), "partner-acme")
    assert {(r.name, r.operation, r.prefixed) for r in rules if r.resource == "group"} == {
        ("partner-acme", "READ", False), ("partner-acme.", "READ", True),
    }
    # The dot keeps another partner whose name starts the same out of acme's groups.
    assert not any("partner-acme2".startswith(r.name) for r in rules if r.prefixed)


@pytest.mark.parametrize("name", ["", "Acme", "a.b", "a b", "x" * 41, "-acme", "*"])
def test_partner_names_that_would_break_principals_or_groups_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="partner name"):
        acls.partner_rules(name)


def test_the_rules_become_literal_allow_acls() -> None:
    acl = acls.Rule("partner-acme", "group", "partner-acme.", "READ", prefixed=True).acl()
    assert (acl.principal, acl.host, acl.operation) == ("User:partner-acme", "*", ACLOperation.READ)
    assert acl.resource_pattern.resource_type == ResourceType.GROUP
    assert acl.resource_pattern.pattern_type == ACLResourcePatternType.PREFIXED
    topic = acls.Rule("diagnosis", "topic", "profile.submitted", "READ").acl()
    assert topic.resource_pattern.pattern_type == ACLResourcePatternType.LITERAL


def test_by_resource_lists_principals_and_operations() -> None:
    table = acls.by_resource([*acls.service_rules(), *acls.partner_template()], "topic")
    assert table["partner.*"] == {"User:partners": ["DESCRIBE", "WRITE"]}
    # A per-partner topic: its publisher's prefixed ACL and each partner's own.
    assert set(table) == {t.name for t in ALL_TOPICS if not t.per_partner} | {"partner.*", "partner.<name>.events"}
    assert table["partner.<name>.events"] == {"User:partner-<name>": ["DESCRIBE", "READ"]}
    groups = acls.by_resource(acls.partner_template(), "group")
    assert set(groups) == {"partner-<name>", "partner-<name>.*"}


class FakeAdmin:
    """The broker's ACL store, as KafkaAdminClient's describe/create/delete see it."""

    def __init__(self) -> None:
        self.acls: set[ACL] = set()
        self.created = 0

    def describe_acls(self, acl_filter: ACLFilter) -> tuple[list[ACL], Any]:
        return [a for a in self.acls if a.principal == acl_filter.principal], None

    def create_acls(self, new: list[ACL]) -> dict[str, list[Any]]:
        self.created += len(new)
        self.acls.update(new)
        return {"succeeded": new, "failed": []}

    def delete_acls(self, filters: list[ACLFilter]) -> list[tuple[ACLFilter, list[ACL], Any]]:
        results = []
        for f in filters:
            matched = [a for a in self.acls if a == f or (
                f.operation == ACLOperation.ANY and a.principal == f.principal)]
            self.acls.difference_update(matched)
            results.append((f, matched, type("NoError", (), {"errno": 0})))
        return results


def test_apply_is_idempotent_and_revokes_what_the_registry_no_longer_grants() -> None:
    admin = FakeAdmin()
    partner = acls.partner_rules("acme")
    acls.apply(admin, partner)
    acls.apply(admin, acls.service_rules())
    created = admin.created
    acls.apply(admin, acls.service_rules())
    assert admin.created == created, "a second run creates nothing"
    assert admin.acls == {r.acl() for r in [*acls.service_rules(), *partner]}

    # diagnosis no longer subscribes to profile.submitted: its read right goes, the others' stay.
    narrowed = Registry([t if t is not shared.topics.PROFILE_SUBMITTED else Topic(
        t.name, t.partitions, t.key, t.events, t.description, t.publishers, ("followup",)) for t in ALL_TOPICS])
    acls.apply(admin, acls.service_rules(narrowed))
    assert admin.acls == {r.acl() for r in [*acls.service_rules(narrowed), *partner]}
    assert acls.Rule("diagnosis", "topic", "profile.submitted", "READ").acl() not in admin.acls

    acls.revoke(admin, "partner-acme")
    assert not {r.acl() for r in partner} & admin.acls


class LaggingAdmin(FakeAdmin):
    """A KRaft broker: the controller commits a change at once, the broker's authorizer (what describe shows and
    what is enforced) catches up a few describes later."""

    def __init__(self, lag: int) -> None:
        super().__init__()
        self.lag = lag
        self.enforced: set[ACL] = set()
        self.behind = 0

    def _committed(self) -> None:
        self.behind = self.lag

    def describe_acls(self, acl_filter: ACLFilter) -> tuple[list[ACL], Any]:
        if self.behind:
            self.behind -= 1
        else:
            self.enforced = set(self.acls)
        return [a for a in self.enforced if a.principal == acl_filter.principal], None

    def create_acls(self, new: list[ACL]) -> dict[str, list[Any]]:
        self._committed()
        return super().create_acls(new)

    def delete_acls(self, filters: list[ACLFilter]) -> list[tuple[ACLFilter, list[ACL], Any]]:
        self._committed()
        return super().delete_acls(filters)


def test_apply_and_revoke_return_once_the_broker_enforces_the_change() -> None:
    admin = LaggingAdmin(lag=3)
    partner = {r.acl() for r in acls.partner_rules("acme")}
    acls.apply(admin, acls.partner_rules("acme"))
    assert admin.enforced == partner
    acls.revoke(admin, "partner-acme")
    assert admin.enforced == set(), "a revoked partner is refused when revoke returns"


def test_a_change_the_broker_never_enforces_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(acls, "ENFORCED_WITHIN_S", 0.3)
    admin = LaggingAdmin(lag=10**9)
    with pytest.raises(acls.AclError, match="did not enforce"):
        acls.apply(admin, acls.partner_rules("acme"))


def test_the_asyncapi_document_lists_the_acls_and_the_security() -> None:
    doc = catalogue.asyncapi()
    rules = [*acls.service_rules(), *acls.partner_template()]
    topics = acls.by_resource(rules, "topic")
    for topic in ALL_TOPICS:
        if not topic.per_partner:
            assert doc["channels"][topic.name]["x-acls"] == topics[topic.name]
    assert doc["channels"]["partner.by-partner.events"]["x-acls"] == {
        "User:partner-<name>": ["DESCRIBE", "READ"], "User:partners": ["DESCRIBE", "WRITE"],
    }
    assert doc["x-consumer-groups"] == acls.by_resource(rules, "group")
    scheme = doc["components"]["securitySchemes"][catalogue.SCRAM]
    assert scheme["type"] == "scramSha512"
    assert {name: server["protocol"] for name, server in doc["servers"].items()} == {
        "services": "kafka", "partners": "kafka-secure",
    }
    for server in doc["servers"].values():
        assert server["security"] == [{"$ref": f"#/components/securitySchemes/{catalogue.SCRAM}"}]
    for topic in ALL_TOPICS:
        servers = {ref["$ref"] for ref in doc["channels"][catalogue.channel_id(topic)]["servers"]}
        assert ("#/servers/partners" in servers) == topic.partner_visible


@pytest.mark.parametrize("command", ["create", "delete"])
def test_the_partner_commands_refuse_a_bad_name_before_connecting(command: str) -> None:
    result = CliRunner().invoke(admin.cli, ["partner", command, "Acme.Corp", "--admin-password", "unused",
                                            "--bootstrap-servers", "nowhere.invalid:1"])
    assert result.exit_code == 2
    assert "partner name" in result.output
