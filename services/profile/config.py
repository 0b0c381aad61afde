"""Settings of the profile service (environment prefix PROFILE_)."""

from __future__ import annotations

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.auth.keys import DEV_KEY_ID, dev_private_key
from shared.settings import Environment, ServiceSettings


class ProfileSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROFILE_")

    service_name: str = "profile"
    mongo_db: str = "bob_profile"
    http_port: int = 8101
    relay_batch_size: int = 50  # entries per relay round; shared.mongo.MAX_WRITES_PER_COMMAND bounds each delete
    relay_scan_seconds: float = 5.0
    # The profile service signs every token (shared/auth/keys.py explains rotation).
    auth_key_id: str = DEV_KEY_ID
    auth_private_key: SecretStr | None = None
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    magic_link_minutes: int = 15

    @model_validator(mode="after")
    def _private_key_required_outside_dev(self) -> ProfileSettings:
        if self.auth_private_key is None:
            if self.environment is Environment.PROD:
                raise ValueError("profile: auth_private_key must be set in prod")
            object.__setattr__(self, "auth_private_key", SecretStr(dev_private_key()))
        if self.auth_key_id not in self.auth_public_keys:
            raise ValueError(f"profile: auth_key_id {self.auth_key_id!r} is not among auth_public_keys")
        return self

    @property
    def private_key(self) -> str:
        assert self.auth_private_key is not None
        return self.auth_private_key.get_secret_value()
