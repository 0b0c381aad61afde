"""Typed settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import base64
import hashlib
from enum import StrEnum

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.auth.keys import dev_public_keys
from shared.database_access import password_of
from shared.messaging.access import KafkaAccess


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `env_prefix` (e.g. PROFILE_) and their defaults."""

    # Errors never echo the input: it holds passwords (the Kafka one, the MongoDB URL's).
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    service_name: str = "service"
    environment: Environment = Environment.DEV
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # The service's own Kafka principal (SASL/SCRAM-SHA-512 on the loopback listener). Required in prod.
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    # The service's own database user (shared/database_access.py), password included: kept out of repr, and
    # required in prod.
    mongo_url: str = Field("mongodb://127.0.0.1:27017", repr=False)
    mongo_db: str = "bob"
    referential_db: str = "bob_referential"
    http_host: str = "127.0.0.1"
    http_port: int = 8100
    worker_metrics_port: int = 9100
    log_level: str = "INFO"
    max_body_bytes: int = 64 * 1024
    # The gateway's public address, for links in emails.
    public_url: str = "http://127.0.0.1:8000"
    # Signs links and tokens. Never defaulted outside dev and test.
    signing_key: SecretStr | None = None
    # Public keys that verify access tokens, by key id (see shared/auth/keys.py). Dev and test derive one.
    auth_public_keys: dict[str, str] = {}
    # Key-encryption keys of the person key store (shared/crypto/keystore.py): id -> base64 of 32 bytes, the same
    # ring in every service; new data keys are wrapped with `data_kek_id`. Dev and test derive one.
    data_keks: dict[str, SecretStr] = {}
    data_kek_id: str = "dev"
    keys_db: str = "bob_keys"

    @model_validator(mode="after")
    def _secrets_required_outside_dev(self) -> ServiceSettings:
        if self.signing_key is None:
            if self.environment is Environment.PROD:
                raise ValueError(f"{self.service_name}: signing_key must be set in prod")
            dev_key = hashlib.sha256(f"dev-only-{self.service_name}".encode()).hexdigest()
            object.__setattr__(self, "signing_key", SecretStr(dev_key))
        if not self.auth_public_keys:
            if self.environment is Environment.PROD:
                raise ValueError(f"{self.service_name}: auth_public_keys must be set in prod")
            object.__setattr__(self, "auth_public_keys", dev_public_keys())
        if not self.data_keks:
            if self.environment is Environment.PROD:
                raise ValueError(f"{self.service_name}: data_keks must be set in prod")
            # One ring for every service (they read the same key store): derived from the KEK id only.
            dev_kek = base64.b64encode(hashlib.sha256(f"dev-only-kek-{self.data_kek_id}".encode()).digest())
            object.__setattr__(self, "data_keks", {self.data_kek_id: SecretStr(dev_kek.decode())})
        if self.data_kek_id not in self.data_keks:
            raise ValueError(f"{self.service_name}: data_kek_id {self.data_kek_id!r} is not among data_keks")
        if self.environment is Environment.PROD and (self.kafka_username is None or self.kafka_password is None):
            raise ValueError(f"{self.service_name}: kafka_username and kafka_password must be set in prod")
        if self.environment is Environment.PROD and not password_of(self.mongo_url):
            raise ValueError(f"{self.service_name}: mongo_url must name the service's user and its password in prod")
        return self

    @property
    def key(self) -> str:
        assert self.signing_key is not None
        return self.signing_key.get_secret_value()

    @property
    def kafka(self) -> KafkaAccess:
        """How this service connects to Kafka, as itself."""
        password = self.kafka_password.get_secret_value() if self.kafka_password is not None else None
        return KafkaAccess(self.kafka_bootstrap_servers, self.kafka_username, password)
