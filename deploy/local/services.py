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

# Every worker may run as several processes in its consumer group (`make run WORKERS=n`, BOB_WORKERS). Up to the
# smallest partition count of the topics the workers consume (shared/topics.py): a copy beyond it would idle.
MAX_WORKERS = 6


def copy_name(proc: ServiceProcess, copy: int) -> str:
    """The first copy keeps the process's name; the others are e.g. advice-worker-2."""
    return proc.name if copy == 1 else f"{proc.name}-{copy}"


def instances(workers: int = 1) -> list[tuple[ServiceProcess, int]]:
    """Each process to run with its copy number: an API once, a worker `workers` times."""
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers must be between 1 and {MAX_WORKERS}, not {workers}")
    return [(proc, copy) for proc in PROCESSES for copy in range(1, (workers if proc.role == "worker" else 1) + 1)]
