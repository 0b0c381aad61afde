"""Supervision of the local platform: a process killed with -9 comes back (log line, restart counter) and the
pipeline works again; starting a running platform starts only what is missing."""

from __future__ import annotations

import os
import signal

import httpx

from deploy.local.platform import Platform
from tests.scale_support import end_to_end, metric_sum
from tests.support import json_lines, wait_for


def supervisor_metrics(platform: Platform) -> str | None:
    try:
        return platform.supervisor_metrics()
    except httpx.HTTPError:
        return None


def restarts(platform: Platform, process: str) -> float:
    return metric_sum(supervisor_metrics(platform) or "", "bob_process_restarts_total", process=process)


def restarted(platform: Platform, name: str, old: int) -> int | None:
    pid = platform.procs.running().get(name)
    return pid if pid != old else None


def start_again(platform: Platform) -> None:
    """What `make run` does on a running platform (its seeds and monitoring aside)."""
    if platform.config.external_kafka is None:
        platform.start_infra()
    platform.start_services()


def test_starting_a_running_platform_starts_only_what_is_missing(platform: Platform) -> None:
    supervised = platform.procs.supervisor_pid() is not None
    platform.procs.stop_supervisor()  # what a hand kill leaves dead without it
    try:
        before = platform.procs.running()
        start_again(platform)
        assert platform.procs.running() == before, "a second start leaves one copy of each, untouched"

        os.kill(before["followup-worker"], signal.SIGKILL)
        wait_for("the worker's death", lambda: platform.procs.exited("followup-worker"))
        start_again(platform)
        after = platform.procs.running()
        assert after.keys() == before.keys()
        assert {n for n in after if after[n] != before[n]} == {"followup-worker"}
    finally:
        if supervised:
            platform.start_supervisor()


def test_a_worker_killed_with_minus_9_is_restarted_and_processes_a_new_profile(platform: Platform) -> None:
    platform.start_supervisor()
    wait_for("the supervisor's metrics", lambda: supervisor_metrics(platform))
    before = restarts(platform, "diagnosis-worker")
    first = platform.procs.running()["diagnosis-worker"]

    os.kill(first, signal.SIGKILL)
    second = wait_for("the first restart", lambda: restarted(platform, "diagnosis-worker", first))
    # Now the supervisor's own child: its exit status is known and the next delay doubles.
    os.kill(second, signal.SIGKILL)
    wait_for("the second restart", lambda: restarted(platform, "diagnosis-worker", second))
    assert restarts(platform, "diagnosis-worker") == before + 2

    lines = [line for line in json_lines(platform.procs.logs_dir / "supervisor.log")
             if line.get("supervised") == "diagnosis-worker"]
    died = [line["message"] for line in lines if "died" in line["message"]]
    assert f"diagnosis-worker (pid {second}) died: killed by SIGKILL; next attempt in 2 s" in died
    assert any(f"(pid {first}) died" in message and "next attempt in 1 s" in message for message in died)

    end_to_end(platform.config.gateway_url)

    # What the operator sees: the local Prometheus scrapes the supervisor.
    platform.start_monitoring()
    wait_for("the restarts in Prometheus", lambda: scraped_restarts(platform, "diagnosis-worker") >= before + 2)


def scraped_restarts(platform: Platform, process: str) -> float:
    query = f'bob_process_restarts_total{{job="supervisor",process="{process}"}}'
    found = httpx.get(f"{platform.prometheus_url}/api/v1/query", params={"query": query}, timeout=5).json()
    return float(found["data"]["result"][0]["value"][1]) if found["data"]["result"] else 0.0

