"""Settings of the profile service (environment prefix PROFILE_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ProfileSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROFILE_")

    service_name: str = "profile"
    mongo_db: str = "bob_profile"
    http_port: int = 8101
    relay_batch_size: int = 50  # one mark-relayed command per batch: see shared.mongo.MAX_WRITES_PER_COMMAND
    relay_scan_seconds: float = 5.0
