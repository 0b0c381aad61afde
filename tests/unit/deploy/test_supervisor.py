"""The supervisor's backoff and its restarts, on real (sleeping) processes with a fake clock."""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from deploy.local.procs import ProcessGroup, alive
from deploy.local.supervisor import Backoff, Supervisor, describe


def test_backoff_doubles_up_to_its_cap_and_resets_after_a_long_run() -> None:
    backoff = Backoff(initial=1, cap=8, reset_after=60)
    assert [backoff.next_delay(up_for=2) for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    assert backoff.next_delay(up_for=61) == 1
    assert backoff.next_delay(up_for=0) == 2


def test_exit_descriptions() -> None:
    assert describe(-signal.SIGKILL) == "killed by SIGKILL"
    assert describe(3) == "exit code 3"
    assert "unknown" in describe(None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def kill(pid: int) -> None:
    """kill -9, then reap it (as init reaps what `make run` started)."""
    os.kill(pid, signal.SIGKILL)
    while alive(pid):
        time.sleep(0.01)


def restarts(process: str) -> float:
    return REGISTRY.get_sample_value("bob_process_restarts_total", {"process": process}) or 0.0


def test_a_killed_process_is_started_again_after_its_delay(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    procs = ProcessGroup(tmp_path, die_with_parent=True)
    first = procs.start("sleeper", ["sleep", "60"], env={"MARK": "kept"}, cwd=tmp_path)
    clock = Clock()
    supervisor = Supervisor(procs, clock=clock)
    before = restarts("sleeper")
    caplog.set_level(logging.INFO, logger="supervisor")
    try:
        supervisor.tick()
        kill(first)
        supervisor.tick()
        assert "sleeper (pid" in caplog.text
        assert "next attempt in 1 s" in caplog.text
        assert procs.running() == {}
        clock.now += 0.5
        supervisor.tick()
        assert procs.running() == {}  # not before its delay
        clock.now += 0.6
        supervisor.tick()
        second = procs.running()["sleeper"]
        assert second != first
        assert restarts("sleeper") == before + 1
        assert Path(f"/proc/{second}/environ").read_bytes().split(b"\0").count(b"MARK=kept") == 1

        # Its own child now: the signal is known, and the next delay doubles.
        os.kill(second, signal.SIGKILL)
        os.waitid(os.P_PID, second, os.WEXITED | os.WNOWAIT)  # dead, left for the supervisor to reap
        supervisor.tick()
        assert "killed by SIGKILL; next attempt in 2 s" in caplog.text
        clock.now += 2
        supervisor.tick()
        assert alive(procs.running()["sleeper"])
        assert restarts("sleeper") == before + 2
    finally:
        procs.stop_all()


def test_a_stopped_platform_is_not_started_again(tmp_path: Path) -> None:
    procs = ProcessGroup(tmp_path, die_with_parent=True)
    procs.start("sleeper", ["sleep", "60"])
    supervisor = Supervisor(procs)
    supervisor.tick()
    procs.stop_all()
    supervisor.tick()
    assert procs.running() == {}
    assert not list(procs.run_dir.iterdir())
