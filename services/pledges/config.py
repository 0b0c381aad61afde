"""Settings of the pledges service (environment prefix PLEDGES_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class PledgesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PLEDGES_")

    service_name: str = "pledges"
    mongo_db: str = "bob_pledges"
    http_port: int = 8104
    worker_metrics_port: int = 9104
