"""Settings of the partners service (environment prefix PARTNERS_)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import Environment, ServiceSettings


class PartnersSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERS_")

    service_name: str = "partners"
    mongo_db: str = "bob_partners"
    http_port: int = 8106
    worker_metrics_port: int = 9107
    # Registering a partner creates its Kafka user, topic and ACLs: the API holds the super user's password for
    # that alone (the worker never gets it). Without it, registration stores the partner and an operator runs
    # `python -m shared.admin partner create <name>`.
    kafka_admin_password: SecretStr | None = None
    # Webhooks: each failed delivery waits base * 2^(attempt-1) seconds, at most `retry_max_seconds`, less up to
    # `retry_jitter` of that at random; after `retry_attempts` attempts (about ten hours by default) it is given up.
    retry_base_seconds: Annotated[float, Field(gt=0)] = 30.0
    retry_max_seconds: Annotated[float, Field(gt=0)] = 2 * 3600.0
    retry_jitter: Annotated[float, Field(ge=0, le=1)] = 0.25
    retry_attempts: Annotated[int, Field(ge=1)] = 12
    # An endpoint failing this many deliveries in a row is disabled until an operator enables it again.
    disable_after_failures: Annotated[int, Field(ge=1)] = 100
    webhook_timeout_seconds: float = 10.0
    webhook_scan_seconds: float = 0.25  # an empty pass is two reads of small collections
    disabled_backlog_seconds: Annotated[float, Field(gt=0)] = 60.0  # a disabled endpoint's gauges, read this often
    webhook_concurrency: Annotated[int, Field(ge=1)] = 32  # people's queues sent at once
    # The delivery log (status, attempts, bodies for replays) is kept this long, swept every `log_sweep_seconds`.
    log_retention_days: Annotated[int, Field(ge=1)] = 90
    log_sweep_seconds: Annotated[float, Field(gt=0)] = 3600.0
    # Both webhook secrets verify during a rotation, for this long.
    rotation_overlap_hours: float = 24.0

    @property
    def private_urls_allowed(self) -> bool:
        """Webhooks to loopback or private addresses: a local receiver in dev and test, never in prod."""
        return self.environment is not Environment.PROD
