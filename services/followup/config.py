"""Settings of the followup service (environment prefix FOLLOWUP_)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.mongo import MAX_WRITES_PER_COMMAND
from shared.settings import Environment, ServiceSettings


class FollowupSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FOLLOWUP_")

    service_name: str = "followup"
    mongo_db: str = "bob_followup"
    http_port: int = 8105
    worker_metrics_port: int = 9105
    batch_size: int = 500
    batch_within_seconds: float = 0.02
    # The trial: share of sign-ups put in the control group and the seed their draws derive from.
    # 0 keeps everyone treated (dev, tests); prod must set both explicitly (see the validator).
    control_share: Annotated[float, Field(ge=0, le=0.5)] = 0.0
    assignment_seed: Annotated[str, Field(min_length=1, max_length=100)] = "dev-trial"
    scheduler_interval_seconds: float = 30.0  # surveys are due by the day; each tick scans due people
    scheduler_batch_size: Annotated[int, Field(ge=1, le=MAX_WRITES_PER_COMMAND)] = MAX_WRITES_PER_COMMAND
    figures_interval_seconds: float = 60.0  # the impact gauges (metrics.py) are recomputed this often

    @model_validator(mode="after")
    def _trial_explicit_in_prod(self) -> FollowupSettings:
        if self.environment is Environment.PROD and not {"control_share", "assignment_seed"} <= self.model_fields_set:
            raise ValueError("followup: control_share and assignment_seed must be set in prod")
        return self
