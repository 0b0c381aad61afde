"""Settings of the diagnosis service (environment prefix DIAGNOSIS_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class DiagnosisSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DIAGNOSIS_")

    service_name: str = "diagnosis"
    mongo_db: str = "bob_diagnosis"
    http_port: int = 8102
    worker_metrics_port: int = 9102
    batch_size: int = 500
    batch_within_seconds: float = 0.02
