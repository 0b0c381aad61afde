"""Benchmark (not a test): profile intake through the gateway, driven by wrk (benchmarks/load_driver.py), against
the bare intake (benchmarks/bare_intake.py) in the same run. Each phase runs on a fresh platform on free ports:

- bare: nginx → the bare intake (one JSON parse, one insert, one produce) → the bare relay (benchmarks/
  relay_worker.py: profile.submitted → diagnosis.completed → advice.generated, no processing);
- pipeline: nginx → the profile API → the diagnosis and advice workers.

Both get the same requests (profiles, tokens, headers). Printed per phase: accepted and refused submissions,
profiles/s accepted, advice events seen for them (AdviceWatcher) and their rate, p50/p95/p99 from submission to
`advice.generated`, and the CPU µs each process used per accepted profile. `--flamegraphs` also records the profile
API (py-spy) and FerretDB (perf) during the pipeline phase, and the bare intake during its own, into
benchmarks/flamegraphs/ (the sampling costs CPU too: take throughput figures from a run without it).

    python -m benchmarks.gateway_load --n 2000 --rate 200
    python -m benchmarks.gateway_load --n 1000 --rate 150 --flamegraphs
    python -m benchmarks.gateway_load --n 2000 --rate 200 --stored 100000
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.table import Table

from benchmarks import flamegraph, load_driver
from benchmarks.load_driver import Drive, Submission
from benchmarks.personas import personas
from benchmarks.pipeline import AdviceWatcher, cpu_seconds, fresh_platform, start_bare_relay
from benchmarks.stored import fill_bare, fill_pipeline
from deploy.local.paths import REPO, VENV_PYTHON
from deploy.local.platform import Platform

FLAMEGRAPHS = Path(__file__).parent / "flamegraphs"
WARM_UP = 50  # profiles sent before the clock starts: workers join their groups, caches and connections fill

console = Console(width=140)  # the tables stay whole when the output goes to a file
cli = typer.Typer(add_completion=False)


@dataclass
class Phase:
    name: str
    drive: Drive
    arrivals: dict[bytes, float]  # advice.generated, first seen per profile id
    cpu_seconds: dict[str, float]

    @property
    def accepted(self) -> int:
        return len(self.drive.sent)

    @property
    def latencies(self) -> list[float]:
        return [self.arrivals[key] - sent for key, sent in self.drive.sent.items() if key in self.arrivals]

    @property
    def advised_per_second(self) -> float:
        advised = [self.arrivals[key] for key in self.drive.sent if key in self.arrivals]
        return len(advised) / (max(advised) - min(self.drive.sent.values())) if advised else 0.0

    def percentile(self, q: int) -> float:
        latencies = self.latencies
        return statistics.quantiles(latencies, n=100)[q - 1] * 1000 if len(latencies) > 1 else 0.0


def measure(
    name: str, platform: Platform, batch: list[Submission], warm: list[Submission], rate: float, connections: int,
    profiled: dict[str, str] | None = None,
) -> Phase:
    """Warm up, then drive `batch` and watch its advice; `profiled` maps a process to sample to "python" or
    "native" (flame graphs written into benchmarks/flamegraphs/)."""
    url = platform.config.gateway_url
    watcher = AdviceWatcher(platform.kafka(), len(warm))
    watcher.start()
    load_driver.drive(url, warm, min(rate, 100.0), connections)
    watcher.join(timeout=60)
    watcher.done.set()

    watcher = AdviceWatcher(platform.kafka(), len(batch))
    watcher.start()
    with tempfile.TemporaryDirectory(prefix="bob-flame-") as tmp:
        recorders = _record(platform, profiled or {}, Path(tmp))
        before = cpu_seconds(platform)
        drive = load_driver.drive(url, batch, rate, connections)
        watcher.join(timeout=max(60.0, 3 * len(batch) / rate))
        watcher.done.set()
        after = cpu_seconds(platform)
        for recorder in recorders:
            flamegraph.stop(recorder)
        _draw(profiled or {}, Path(tmp))
    cpu = {process: after[process] - before.get(process, 0.0) for process in after}
    return Phase(name, drive, dict(watcher.arrivals), cpu | {"load driver (wrk)": drive.cpu_seconds})


def _record(platform: Platform, profiled: dict[str, str], samples: Path) -> list[subprocess.Popen[bytes]]:
    pids = platform.procs.running()
    recorders = []
    for process, kind in profiled.items():
        if kind == "python":
            recorders.append(flamegraph.record_python(pids[process], samples / f"{process}.folded"))
        else:
            recorders.append(flamegraph.record_native(pids[process], samples / f"{process}.perf"))
    if recorders:
        time.sleep(1)  # the recorders attach before the first request
    return recorders


def _draw(profiled: dict[str, str], samples: Path) -> None:
    FLAMEGRAPHS.mkdir(exist_ok=True)
    for process, kind in profiled.items():
        if kind == "python":
            folded = flamegraph.read_folded(samples / f"{process}.folded")
        else:
            folded = flamegraph.perf_folded(samples / f"{process}.perf")
        (FLAMEGRAPHS / f"{process}.svg").write_text(flamegraph.svg(folded, f"{process} under the gateway load"))
        table = Table("frame", "on stack %", "leaf %", title=f"{process}: where the samples are")
        for frame, inclusive, leaf in flamegraph.top_frames(folded, 25):
            table.add_row(frame[-110:], f"{100 * inclusive:.1f}", f"{100 * leaf:.1f}")
        console.print(table)


def run_bare(
    batch: list[Submission], warm: list[Submission], rate: float, connections: int, flamegraphs: bool, stored: int
) -> Phase:
    platform = fresh_platform()
    try:
        start_bare_relay(platform)
        fill_bare(platform, stored)
        # On the profile service's port, with its environment and principal: nginx routes to it unchanged.
        platform.procs.start("bare-intake", [str(VENV_PYTHON), "-m", "benchmarks.bare_intake"],
                             env=platform.service_env("profile"), cwd=REPO)
        platform.start_gateway()
        _wait_healthy(platform, "bare-intake")
        profiled = {"bare-intake": "python"} if flamegraphs else None
        return measure("bare intake", platform, batch, warm, rate, connections, profiled)
    finally:
        platform.down()


def run_pipeline(
    batch: list[Submission], warm: list[Submission], rate: float, connections: int, flamegraphs: bool, stored: int
) -> Phase:
    platform = fresh_platform()
    try:
        # The core journey alone: the other services' consumers would share the machine's two cores.
        platform.start_services(only=frozenset({"profile-api", "diagnosis-worker", "advice-worker"}))
        fill_pipeline(platform, stored)
        profiled = {"profile-api": "python", "ferretdb": "native"} if flamegraphs else None
        return measure("pipeline", platform, batch, warm, rate, connections, profiled)
    finally:
        platform.down()


def _wait_healthy(platform: Platform, process: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if platform.procs.exited(process):
            raise RuntimeError(f"{process} exited:\n{platform.procs.log_tail(process)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{platform.config.gateway_url}/api/v1/profile/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.25)
    raise RuntimeError(f"{process} not healthy after 60 s:\n{platform.procs.log_tail(process)}")


def report(phases: list[Phase]) -> None:
    table = Table("phase", "accepted", "refused", "accepted/s", "advised", "advised/s", "p50 ms", "p95 ms", "p99 ms")
    for p in phases:
        table.add_row(p.name, str(p.accepted), str(p.drive.refused), f"{p.drive.accepted_per_second:.0f}",
                      str(len(p.latencies)), f"{p.advised_per_second:.0f}", f"{p.percentile(50):.0f}",
                      f"{p.percentile(95):.0f}", f"{p.percentile(99):.0f}")
    console.print(table)
    for p in phases:
        if p.drive.refused or p.drive.errors:
            console.print(f"[red]{p.name}: answers {p.drive.statuses}, socket errors {p.drive.errors}[/red]")
    bare, pipeline = phases
    if bare.drive.accepted_per_second and bare.advised_per_second:
        accepted = pipeline.drive.accepted_per_second / bare.drive.accepted_per_second
        advised = pipeline.advised_per_second / bare.advised_per_second
        console.print(f"pipeline / bare: accepted/s {accepted:.2f}, advised/s {advised:.2f}")
    cpu = Table("process", *(f"{p.name} µs/profile" for p in phases), title="CPU per accepted profile")
    for process in sorted({name for p in phases for name in p.cpu_seconds}):
        cpu.add_row(process, *(
            f"{1e6 * p.cpu_seconds[process] / p.accepted:.0f}" if process in p.cpu_seconds and p.accepted else "-"
            for p in phases
        ))
    console.print(cpu)


@cli.command()
def main(
    n: int = typer.Option(2_000, help="profiles to submit in each phase"),
    rate: float = typer.Option(200.0, help="offered submissions per second"),
    connections: int = typer.Option(64, help="wrk's connections to the gateway"),
    flamegraphs: bool = typer.Option(False, help="sample the profile API, FerretDB and the bare intake"),
    stored: int = typer.Option(0, help="people already stored before each phase (benchmarks/stored.py)"),
) -> None:
    # The same requests for both phases (each on its own platform): one job seeker per profile.
    batch = load_driver.submissions(personas(n))
    warm = load_driver.submissions(personas(WARM_UP, seed=99))
    phases = [run_bare(batch, warm, rate, connections, flamegraphs, stored),
              run_pipeline(batch, warm, rate, connections, flamegraphs, stored)]
    console.print(f"offered rate {rate:.0f}/s, {n} profiles, {connections} connections, {stored:,} people stored")
    report(phases)


if __name__ == "__main__":
    cli()
