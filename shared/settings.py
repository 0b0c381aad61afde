"""Typed settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.auth.keys import dev_public_keys


class Environment(StrEnum):
    DEV = "dev"
    TEST = "test"
    PROD = "prod"


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set `env_prefix` (e.g. PROFILE_) and their defaults."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "service"
    environment: Environment = Environment.DEV
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    mongo_url: str = "mongodb://127.0.0.1:27017"
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
        return self

    @property
    def key(self) -> str:
        assert self.signing_key is not None
        return self.signing_key.get_secret_value()
