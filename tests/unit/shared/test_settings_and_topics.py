from __future__ import annotations

import base64

import pytest
from pydantic import BaseModel, ValidationError
from pydantic_settings import SettingsConfigDict

from shared.auth.keys import generate
from shared.settings import Environment, ServiceSettings
from shared.topics import ALL_TOPICS, BY_NAME, PROFILE_SUBMITTED, REGISTRY


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_")

    service_name: str = "demo"


def test_prefix_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_KAFKA_BOOTSTRAP_SERVERS", "kafka:1234")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "ignored:1")
    assert DemoSettings().kafka_bootstrap_servers == "kafka:1234"


def test_signing_key_is_required_in_prod(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_ENVIRONMENT", "prod")
    with pytest.raises(ValidationError, match="signing_key must be set"):
        DemoSettings()
    monkeypatch.setenv("DEMO_SIGNING_KEY", "s3cret")
    with pytest.raises(ValidationError, match="auth_public_keys must be set"):
        DemoSettings()
    monkeypatch.setenv("DEMO_AUTH_PUBLIC_KEYS", '{"k1": "' + generate()[2] + '"}')
    with pytest.raises(ValidationError, match="data_keks must be set"):
        DemoSettings()
    monkeypatch.setenv("DEMO_DATA_KEKS", '{"k1": "' + base64.b64encode(bytes(32)).decode() + '"}')
    monkeypatch.setenv("DEMO_DATA_KEK_ID", "k1")
    with pytest.raises(ValidationError, match="kafka_username and kafka_password must be set"):
        DemoSettings()
    monkeypatch.setenv("DEMO_KAFKA_USERNAME", "demo")
    monkeypatch.setenv("DEMO_KAFKA_PASSWORD", "s3cret-too")
    with pytest.raises(ValidationError, match="mongo_url must name the service's user and its password"):
        DemoSettings()
    monkeypatch.setenv("DEMO_MONGO_URL", "mongodb://demo:@mongo:27017/?authSource=admin")
    with pytest.raises(ValidationError, match="mongo_url must name the service's user and its password"):
        DemoSettings()
    monkeypatch.setenv("DEMO_MONGO_URL", "mongodb://demo:s3cret-three@mongo:27017/?authSource=admin")
    assert DemoSettings().key == "s3cret"
    assert DemoSettings().kafka.security_protocol == "SASL_PLAINTEXT"


def test_dev_gets_a_dev_only_key() -> None:
    settings = DemoSettings()
    assert settings.environment is Environment.DEV
    assert len(settings.key) == 64


def test_topic_registry_is_consistent() -> None:
    assert len(BY_NAME) == len(ALL_TOPICS), "topic names are unique"
    assert REGISTRY.topics == ALL_TOPICS
    assert all(spec.partitions >= 1 for spec in ALL_TOPICS)
    assert PROFILE_SUBMITTED.key == "profile_id"
    event_types = [t for spec in ALL_TOPICS for t in spec.event_types]
    assert len(event_types) == len(set(event_types)), "an event type lives on one topic"
    assert set(REGISTRY.event_types) == set(event_types)


@pytest.mark.parametrize("event_type", REGISTRY.event_types)
def test_every_registered_type_has_a_model_a_description_and_its_upcasters(event_type: str) -> None:
    contract = REGISTRY.contract(event_type)
    assert issubclass(contract.model, BaseModel)
    assert contract.model.model_json_schema()["properties"], "the model describes its fields"
    assert contract.description
    assert contract.version >= 1
    assert set(contract.upcasters) == set(range(1, contract.version))
