"""Settings of the followup service (environment prefix FOLLOWUP_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class FollowupSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FOLLOWUP_")

    service_name: str = "followup"
    mongo_db: str = "bob_followup"
    http_port: int = 8105
    worker_metrics_port: int = 9105
