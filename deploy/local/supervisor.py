"""The local platform's supervisor: a process that dies (any exit, kill -9) is started again as it was first
started, after an exponential backoff (capped; reset once the process stayed up a while). Each restart is a log line
and `bob_process_restarts_total{process}` on its own /metrics port, scraped by the local Prometheus.

`make run` starts it detached once the platform is up (it adopts the running processes: it learns their exit status
only for those it started itself); `make stop` stops it first, so it does not restart what is being stopped.
Stopping it leaves the processes running."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import typer
from prometheus_client import Counter, Gauge, start_http_server

from deploy.local.procs import ProcessGroup, alive
from shared.logs import configure_logging

log = logging.getLogger("supervisor")
RESTARTS = Counter("bob_process_restarts_total", "Times the supervisor started a dead process again", ["process"])
UP = Gauge("bob_process_up", "1 while the process runs, 0 while it waits for its restart", ["process"])


@dataclass
class Backoff:
    """1, 2, 4... seconds between restarts, at most `cap`; a process up for `reset_after` starts again at 1 s."""

    initial: float = 1.0
    cap: float = 60.0
    reset_after: float = 60.0
    failures: int = 0

    def next_delay(self, up_for: float) -> float:
        if up_for >= self.reset_after:
            self.failures = 0
        self.failures += 1
        return float(min(self.cap, self.initial * 2 ** (self.failures - 1)))


@dataclass
class Watched:
    pid: int
    started: float
    backoff: Backoff
    restart_at: float | None = None  # set while dead
    child: subprocess.Popen[bytes] | None = field(default=None, repr=False)


def describe(returncode: int | None) -> str:
    if returncode is None:
        return "exit status unknown (not started by the supervisor)"
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


class Supervisor:
    def __init__(self, procs: ProcessGroup, backoff: Callable[[], Backoff] = Backoff,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.procs = procs
        self.new_backoff = backoff
        self.clock = clock
        self.watched: dict[str, Watched] = {}

    def tick(self) -> None:
        """One look at every process: note deaths, start again those whose delay is over."""
        now = self.clock()
        for name, (pid_file, spec) in self.procs.specs().items():
            try:
                pid = int(pid_file.read_text())
            except (FileNotFoundError, ValueError):
                continue  # being stopped
            watched = self.watched.get(name)
            if watched is None or (watched.restart_at is None and pid != watched.pid):
                # New, or started again by `make run`: adopt it as it is.
                watched = self.watched[name] = Watched(pid, now, watched.backoff if watched else self.new_backoff())
                RESTARTS.labels(name)
            if watched.restart_at is None:
                dead, returncode = self._dead(watched)
                UP.labels(name).set(0 if dead else 1)
                if not dead:
                    continue
                delay = watched.backoff.next_delay(now - watched.started)
                watched.restart_at = now + delay
                log.warning(
                    f"{name} (pid {watched.pid}) died: {describe(returncode)}; next attempt in {delay:g} s",
                    extra={"supervised": name, "pid": watched.pid, "exit": describe(returncode),
                           "returncode": returncode, "restart_in_seconds": delay},
                )
            elif now >= watched.restart_at:
                try:
                    child = self.procs.spawn(name, spec, pid_file)
                except OSError as exc:
                    delay = watched.backoff.next_delay(0)
                    watched.restart_at = now + delay
                    log.error(f"{name} could not be started: {exc}; next attempt in {delay:g} s",
                              extra={"supervised": name, "restart_in_seconds": delay})
                    continue
                RESTARTS.labels(name).inc()
                UP.labels(name).set(1)
                self.watched[name] = Watched(child.pid, now, watched.backoff, child=child)
                log.info(f"{name} started again (pid {child.pid}, attempt {watched.backoff.failures})",
                         extra={"supervised": name, "pid": child.pid, "attempt": watched.backoff.failures})

    @staticmethod
    def _dead(watched: Watched) -> tuple[bool, int | None]:
        if watched.child is not None:  # our own child: its exit status is known
            returncode = watched.child.poll()
            return returncode is not None, returncode
        return not alive(watched.pid), None


cli = typer.Typer(add_completion=False)


@cli.command()
def main(
    state_dir: Path = typer.Option(..., help="the platform's state directory (its run/ holds the pid files)"),
    port: int = typer.Option(..., help="metrics port (loopback)"),
    die_with_parent: bool = typer.Option(False, help="tests: stop everything when the run that started it dies"),
    interval: float = typer.Option(0.5, help="seconds between looks"),
) -> None:
    configure_logging("supervisor")
    # What it starts outlives it (stopping the supervisor leaves the processes running), even in tests: there, it
    # takes everything down itself when the test run that started it dies.
    procs = ProcessGroup(state_dir)
    parent = os.getppid()
    supervisor = Supervisor(procs)
    start_http_server(port, addr="127.0.0.1")
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(f"supervising {len(procs.specs())} processes", extra={"processes": sorted(procs.specs())})
    while not stopping:
        supervisor.tick()
        time.sleep(interval)
    if die_with_parent and os.getppid() != parent:
        procs.stop_all()
        log.info("stopped with the run that started it, and every process with it")
        return
    log.info("stopped (the processes keep running)")


if __name__ == "__main__":
    cli()
