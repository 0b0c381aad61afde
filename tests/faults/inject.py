"""The faults, done to the real processes of the platform: kill -9 (the supervisor starts the process again),
held down (the supervisor paused meanwhile), hung (SIGSTOP). Each returns once the process answers again."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from deploy.local.platform import Platform
from shared.messaging.kafka import kafka_ready
from tests.support import wait_for

BACK_WITHIN = 240.0  # seconds: a restart, its backoff and the process's own start on a busy machine


def pid_of(platform: Platform, name: str) -> int:
    pid = platform.procs.running().get(name)
    assert pid is not None, f"{name} is not running"
    return pid


def answers(platform: Platform, name: str) -> bool:
    """The process is up and serves: the broker and the database answer, an API is healthy behind the gateway."""
    if platform.procs.exited(name):
        return False
    if name == "kafka":
        return kafka_ready(platform.kafka())
    if name == "ferretdb":
        return platform._mongo_ready()
    if name.endswith("-api"):
        return platform._healthy(name.removesuffix("-api"))
    return True


def wait_back(platform: Platform, name: str, old_pid: int) -> None:
    wait_for(f"{name} started again", lambda: platform.procs.running().get(name, old_pid) != old_pid, BACK_WITHIN)
    wait_for(f"{name} answering", lambda: answers(platform, name), BACK_WITHIN, every=0.5)


def kill_now(platform: Platform, name: str) -> int:
    """kill -9; returns the dead pid (for `wait_back`)."""
    pid = pid_of(platform, name)
    os.kill(pid, signal.SIGKILL)
    return pid


def kill(platform: Platform, name: str) -> None:
    """kill -9, then wait for the supervisor's restart."""
    wait_back(platform, name, kill_now(platform, name))


@contextmanager
def supervisor_paused(platform: Platform) -> Iterator[None]:
    supervisor = platform.procs.supervisor_pid()
    assert supervisor is not None, "the faults suite needs the supervisor"
    os.kill(supervisor, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(supervisor, signal.SIGCONT)


@contextmanager
def held_down(platform: Platform, *names: str) -> Iterator[None]:
    """The processes killed -9 and kept down for the block (the supervisor paused), then started again by it."""
    pids = {name: pid_of(platform, name) for name in names}
    with supervisor_paused(platform):
        for pid in pids.values():
            os.kill(pid, signal.SIGKILL)
        yield
    for name, pid in pids.items():
        wait_back(platform, name, pid)


def down_for(platform: Platform, name: str, seconds: float) -> None:
    with held_down(platform, name):
        time.sleep(seconds)


@contextmanager
def hung(platform: Platform, name: str) -> Iterator[int]:
    """SIGSTOP for the block (the process is alive to the supervisor, silent to Kafka), then SIGCONT."""
    pid = pid_of(platform, name)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield pid
    finally:
        os.kill(pid, signal.SIGCONT)
