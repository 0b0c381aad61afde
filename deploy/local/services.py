"""The service processes the local platform runs, and the environment each one gets."""

from __future__ import annotations

from dataclasses import dataclass

# The services with an API behind the gateway; the notifier is a worker only.
SERVICE_NAMES = ("profile", "diagnosis", "advice", "pledges", "followup", "partners")


@dataclass(frozen=True)
class ServiceProcess:
    service: str
    role: str  # "api" (FastAPI under uvicorn) or "worker" (Faust)
    module: str

    @property
    def name(self) -> str:
        return f"{self.service}-{self.role}"

    @property
    def env_prefix(self) -> str:
        return f"{self.service.upper()}_"


PROCESSES = (
    ServiceProcess("profile", "api", "services.profile.entrypoints.api"),
    ServiceProcess("profile", "worker", "services.profile.entrypoints.worker"),
    ServiceProcess("diagnosis", "api", "services.diagnosis.entrypoints.api"),
    ServiceProcess("diagnosis", "worker", "services.diagnosis.entrypoints.worker"),
    ServiceProcess("advice", "api", "services.advice.entrypoints.api"),
    ServiceProcess("advice", "worker", "services.advice.entrypoints.worker"),
    ServiceProcess("pledges", "api", "services.pledges.entrypoints.api"),
    ServiceProcess("pledges", "worker", "services.pledges.entrypoints.worker"),
    ServiceProcess("notifier", "worker", "services.notifier.entrypoints.worker"),
    ServiceProcess("followup", "api", "services.followup.entrypoints.api"),
    ServiceProcess("followup", "worker", "services.followup.entrypoints.worker"),
    ServiceProcess("partners", "api", "services.partners.entrypoints.api"),
    ServiceProcess("partners", "worker", "services.partners.entrypoints.worker"),
)
