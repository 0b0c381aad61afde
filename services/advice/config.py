"""Settings of the advice service (environment prefix ADVICE_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AdviceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ADVICE_")

    service_name: str = "advice"
    mongo_db: str = "bob_advice"
    http_port: int = 8103
    worker_metrics_port: int = 9103
    batch_size: int = 500
    batch_within_seconds: float = 0.02
    # How often the API recomputes the feedback gauges (a scan of the feedback collection).
    feedback_figures_seconds: float = 60.0
