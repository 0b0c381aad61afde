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
    # The learning loop (services/diagnosis/learning.py): each worker checks the released model version this often
    # (the release event reaches one worker of the group), and the scheduled retraining runs once per interval.
    model_poll_seconds: float = 30.0
    retrain_interval_days: int = 7
    retrain_check_seconds: float = 3600.0
