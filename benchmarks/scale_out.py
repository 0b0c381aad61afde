"""Benchmark (not a test): end-to-end throughput with one, then two workers per stage (diagnosis, advice) on the
same platform in the same run, and a check that nothing was lost or duplicated: every profile got exactly one
diagnosis and one advice event (counted by event id per profile id on the topics).

    python -m benchmarks.scale_out --n 300 --rate 200

Each phase pushes its own N profiles through the gateway faster than the pipeline drains them, so profiles/s is
what the stages sustain: N / (last advice on advice.generated - first POST). The second phase runs on a database
that holds the first phase's profiles too."""

from __future__ import annotations

import time
from dataclasses import dataclass

import typer
from rich.console import Console
from rich.table import Table

from benchmarks.personas import personas
from benchmarks.pipeline import AdviceWatcher, cpu_seconds, fresh_platform, inject_through_gateway
from deploy.local.platform import Platform
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED, PROFILE_SUBMITTED
from tests.scale_support import group_members, tally

console = Console(width=150)
cli = typer.Typer(add_completion=False)
STAGES = frozenset({"profile-api", "diagnosis-worker", "advice-worker"})
GROUPS = ("bob-diagnosis", "bob-advice")


@dataclass
class Phase:
    workers: int
    sent: int
    advised: int
    seconds: float
    missing: dict[str, int]  # topic: profiles without their event
    duplicated: dict[str, int]  # topic: profiles with more than one event
    redelivered: dict[str, int]  # topic: records of an event written again (same event id)
    cpu: dict[str, float]

    @property
    def throughput(self) -> float:
        return self.advised / self.seconds if self.seconds else 0.0


def wait_members(platform: Platform, workers: int) -> None:
    deadline = time.monotonic() + 180
    while any(group_members(platform.kafka(), g) != workers for g in GROUPS):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the groups did not reach {workers} members")
        time.sleep(1)


def run_phase(platform: Platform, workers: int, n: int, rate: float, driver: str) -> Phase:
    platform.scale(workers, STAGES)
    wait_members(platform, workers)
    watcher = AdviceWatcher(platform.kafka(), n)
    watcher.start()
    cpu_before = cpu_seconds(platform)
    # The same profiles in each phase, each submitted by a new job seeker (so under a new profile id).
    sent = inject_through_gateway(platform, personas(n), rate, driver)
    watcher.join(timeout=max(120.0, 5 * n / rate))
    watcher.done.set()
    arrived = [watcher.arrivals[k] for k in sent if k in watcher.arrivals]
    seconds = max(arrived) - min(sent.values()) if arrived else 0.0
    cpu_after = cpu_seconds(platform)
    time.sleep(5)  # late duplicates, if any, land before the count
    ids = {k.decode() for k in sent}
    counted = {t: tally(platform.kafka(), t, ids)
               for t in (PROFILE_SUBMITTED.name, DIAGNOSIS_COMPLETED.name, ADVICE_GENERATED.name)}
    return Phase(
        workers, len(sent), len(arrived), seconds,
        {t: len(c.missing(ids)) for t, c in counted.items()},
        {t: len(c.duplicated(ids)) for t, c in counted.items()},
        {t: c.redelivered(ids) for t, c in counted.items()},
        {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after},
    )


@cli.command()
def main(
    n: int = typer.Option(300, help="profiles per phase"),
    rate: float = typer.Option(200.0, help="submissions per second (above what the stages sustain)"),
    driver: str = typer.Option("wrk", help="load driver: wrk (compiled, cheap) or httpx (Python)"),
) -> None:
    platform = fresh_platform()
    try:
        phases = [run_phase(platform, workers, n, rate, driver) for workers in (1, 2)]
    finally:
        platform.down()
    table = Table("workers per stage", "sent", "advised", "seconds", "profiles/s", "missing", "duplicated",
                  "records redelivered")
    for p in phases:
        table.add_row(str(p.workers), str(p.sent), str(p.advised), f"{p.seconds:.1f}", f"{p.throughput:.1f}",
                      str(sum(p.missing.values())), str(sum(p.duplicated.values())),
                      str(sum(p.redelivered.values())))
    console.print(f"{n} profiles per phase through the gateway, offered at {rate:.0f}/s; missing and duplicated "
                  "count profiles on profile.submitted, diagnosis.completed and advice.generated")
    console.print(table)
    for p in phases:
        console.print(f"records redelivered with {p.workers} per stage, by topic: {p.redelivered}")
    for p in phases:
        spent = ", ".join(f"{name} {s:.1f}s" for name, s in sorted(p.cpu.items()) if s >= 0.1)
        console.print(f"CPU seconds with {p.workers} per stage: {spent}")
    if any(sum(p.missing.values()) or sum(p.duplicated.values()) for p in phases):
        console.print("[red]something was lost or duplicated[/red]")
        raise typer.Exit(1)


if __name__ == "__main__":
    cli()
