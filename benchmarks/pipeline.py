"""Benchmark (not a test): sustained throughput and latency of profile → diagnosis → advice, against the same
payloads pushed through the same topics by a bare relay (no processing). Each phase runs on a fresh platform
(Kafka, FerretDB, seed) started on free ports, so nothing leaks between phases or into `make run`.

    python -m benchmarks.pipeline --mode topic --n 20000 --rate 2500
    python -m benchmarks.pipeline --mode gateway --n 5000 --rate 500 [--driver wrk|httpx]
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import statistics
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import typer
from kafka import KafkaConsumer, TopicPartition  # type: ignore[import-untyped]
from rich.console import Console
from rich.table import Table

from benchmarks import load_driver
from benchmarks.personas import personas, submitted_events
from deploy.local.paths import REPO, VENV_PYTHON
from deploy.local.platform import Platform, PlatformConfig
from services.profile.config import ProfileSettings
from shared.auth.keys import DEV_KEY_ID, dev_private_key
from shared.auth.tokens import Principal, Role, TokenSigner
from shared.crypto.keystore import KekRing, KeyStore, collection
from shared.messaging import binding
from shared.messaging.access import KafkaAccess
from shared.messaging.kafka import make_producer
from shared.schemas.profile import ProfileIn
from shared.topics import ADVICE_GENERATED, PROFILE_SUBMITTED

console = Console()
cli = typer.Typer(add_completion=False)


@dataclass
class Result:
    name: str
    sent: int
    received: int
    seconds: float
    latencies: list[float]
    cpu_seconds: dict[str, float]

    @property
    def throughput(self) -> float:
        return self.received / self.seconds if self.seconds else 0.0

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100)[q - 1] * 1000 if len(self.latencies) > 1 else 0.0


class AdviceWatcher(threading.Thread):
    """Reads advice.generated from its current end; records when each key (profile id) first arrives."""

    def __init__(self, bootstrap: KafkaAccess, expected: int) -> None:
        super().__init__(daemon=True)
        # No CRC check: without the crc32c package kafka-python computes it in Python, about 0.3 ms per KB of
        # records, which made the watcher cost more CPU per profile than some of the services it measures.
        self.consumer = KafkaConsumer(
            **bootstrap.client_config(), enable_auto_commit=False, fetch_max_wait_ms=50, check_crcs=False
        )
        partitions = [TopicPartition(ADVICE_GENERATED.name, p) for p in range(ADVICE_GENERATED.partitions)]
        self.consumer.assign(partitions)
        self.consumer.seek_to_end()
        for tp in partitions:
            self.consumer.position(tp)  # resolve the end offsets now, before anything is sent
        self.expected = expected
        self.arrivals: dict[bytes, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while len(self.arrivals) < self.expected and not self.done.is_set():
            for records in self.consumer.poll(timeout_ms=200).values():
                now = time.perf_counter()
                for record in records:
                    self.arrivals.setdefault(record.key, now)
        self.consumer.close()


def _payloads(platform: Platform, profiles: list[ProfileIn]) -> list[tuple[bytes, bytes, binding.Headers]]:
    """The Kafka records (key, value, binding headers) the profile service would write for these profiles, sealed
    with data keys stored in the platform's key store as the profile service would have."""
    keys: dict[str, bytes] = {}
    records = [binding.record(event) for event in submitted_events(profiles, dt.datetime.now(dt.UTC), keys)]
    settings = ProfileSettings(mongo_url=platform.config.mongo_url)
    KeyStore(collection(settings), KekRing.from_settings(settings)).add_all(keys)
    return records


def _paced(n: int, rate: float) -> list[float]:
    start = time.perf_counter() + 0.05
    return [start + i / rate for i in range(n)]


def inject_on_topic(
    platform: Platform, payloads: list[tuple[bytes, bytes, binding.Headers]], rate: float
) -> dict[bytes, float]:
    producer = make_producer(platform.kafka(), linger_ms=2)
    sent: dict[bytes, float] = {}
    for (key, value, headers), due in zip(payloads, _paced(len(payloads), rate), strict=True):
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent[key] = time.perf_counter()
        producer.send(PROFILE_SUBMITTED.name, key=key, value=value, headers=headers)
    producer.flush()
    producer.close()
    return sent


def inject_through_gateway(
    platform: Platform, profiles: list[ProfileIn], rate: float, driver: str = "wrk"
) -> dict[bytes, float]:
    if driver == "wrk":
        # Compiled and paced in Lua, so the driver does not take the cores it measures (benchmarks/load_driver.py).
        drive = load_driver.drive(platform.config.gateway_url, load_driver.submissions(profiles), rate)
        if drive.refused or drive.errors:
            console.print(f"[red]refused: {drive.statuses}, socket errors: {drive.errors}[/red]")
        console.print(f"wrk: {drive.accepted_per_second:.0f} profiles/s accepted, {drive.cpu_seconds:.1f} CPU s")
        return drive.sent
    sent: dict[bytes, float] = {}
    refused: dict[int, int] = {}
    bodies = [p.model_dump(mode="json") for p in profiles]
    # One job seeker per profile, signed before the clock starts (the dev key, as the local platform uses).
    signer = TokenSigner(DEV_KEY_ID, dev_private_key())
    now = dt.datetime.now(dt.UTC)
    seekers = [Principal(sub=uuid.uuid4().hex, roles=frozenset({Role.JOB_SEEKER})) for _ in bodies]
    tokens = [signer.access_token(seeker, dt.timedelta(hours=1), now) for seeker in seekers]

    async def run() -> None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(base_url=platform.config.gateway_url, limits=limits, timeout=30) as client:
            semaphore = asyncio.Semaphore(64)

            async def post(body: dict[str, object], token: str, due: float) -> None:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                async with semaphore:
                    started = time.perf_counter()
                    response = await client.post(
                        "/api/v1/profiles", json=body, headers={"Authorization": f"Bearer {token}"}
                    )
                    if response.status_code == 201:
                        sent[response.json()["profile_id"].encode()] = started
                    else:
                        refused[response.status_code] = refused.get(response.status_code, 0) + 1

            paced = zip(bodies, tokens, _paced(len(bodies), rate), strict=True)
            await asyncio.gather(*(post(b, t, d) for b, t, d in paced))

    asyncio.run(run())
    if refused:
        console.print(f"[red]refused by the gateway or the service: {refused}[/red]")
    return sent


def measure(
    name: str, platform: Platform, profiles: list[ProfileIn], rate: float, via_gateway: bool, driver: str = "wrk"
) -> Result:
    payloads = [] if via_gateway else _payloads(platform, profiles)  # built before the clock starts
    # Warm-up: workers join their groups and load their caches before the clock starts.
    warm = personas(50, seed=99)
    watcher = AdviceWatcher(platform.kafka(), len(warm))
    watcher.start()
    inject_on_topic(platform, _payloads(platform, warm), 500)
    watcher.join(timeout=120)
    watcher = AdviceWatcher(platform.kafka(), len(profiles))
    watcher.start()
    cpu_before = cpu_seconds(platform)
    if via_gateway:
        sent = inject_through_gateway(platform, profiles, rate, driver)
    else:
        sent = inject_on_topic(platform, payloads, rate)
    watcher.join(timeout=max(60.0, 3 * len(profiles) / rate))
    watcher.done.set()
    latencies = [watcher.arrivals[k] - t for k, t in sent.items() if k in watcher.arrivals]
    seconds = (max(watcher.arrivals.values()) - min(sent.values())) if watcher.arrivals else 0.0
    cpu_after = cpu_seconds(platform)
    cpu_used = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    return Result(name, len(sent), len(latencies), seconds, latencies, cpu_used)


def cpu_seconds(platform: Platform) -> dict[str, float]:
    """CPU time (user + system) each platform process has used so far: where the time goes, across processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    spent: dict[int, tuple[int, int]] = {}  # pid: (parent pid, ticks used)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            fields = stat.read_text().rsplit(")", 1)[1].split()
            spent[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    usage = {}
    for name, pid in platform.procs.running().items():
        # A process's live children count as its own: nginx's master forks the worker that does the work.
        children = sum(used for parent, used in spent.values() if parent == pid)
        usage[name] = (spent.get(pid, (0, 0))[1] + children) / ticks
    usage["benchmark driver"] = sum(os.times()[:2])
    return usage


def fresh_platform() -> Platform:
    platform = Platform(PlatformConfig.on_free_ports(Path(tempfile.mkdtemp(prefix="bob-bench-")), environment="dev"))
    platform.config.gateway_rate_per_second = 100_000
    platform.start_infra()
    platform.seed()
    return platform


def start_bare_relay(platform: Platform) -> None:
    # The baseline forwards across two services' topics with a group of its own: no service may, the admin can.
    admin = platform.kafka()
    env = platform.service_env("diagnosis") | {
        "PYTHONPATH": str(REPO), "DIAGNOSIS_KAFKA_USERNAME": str(admin.username),
        "DIAGNOSIS_KAFKA_PASSWORD": str(admin.password),
    }
    platform.procs.start("bare-relay", [str(VENV_PYTHON), "-m", "benchmarks.relay_worker"], env=env, cwd=REPO)


def run_relay(profiles: list[ProfileIn], rate: float) -> Result:
    platform = fresh_platform()
    try:
        start_bare_relay(platform)
        return measure("bare relay", platform, profiles, rate, via_gateway=False)
    finally:
        platform.down()


def run_pipeline(profiles: list[ProfileIn], rate: float, via_gateway: bool, driver: str) -> Result:
    platform = fresh_platform()
    try:
        if via_gateway:
            # The core journey alone: the other services' consumers would share the machine's two cores.
            platform.start_services(only=frozenset({"profile-api", "diagnosis-worker", "advice-worker"}))
        else:
            for role in ("diagnosis-worker", "advice-worker"):
                service = role.split("-")[0]
                platform.procs.start(role, [str(VENV_PYTHON), "-m", f"services.{service}.entrypoints.worker"],
                                     env=platform.service_env(service), cwd=REPO)
        name = "pipeline via gateway" if via_gateway else "pipeline (events on topic)"
        return measure(name, platform, profiles, rate, via_gateway, driver)
    finally:
        platform.down()


@cli.command()
def main(
    mode: str = typer.Option("topic", help="topic: inject profile events; gateway: POST through nginx"),
    n: int = typer.Option(20_000, help="profiles to submit"),
    rate: float = typer.Option(2_500.0, help="submissions per second"),
    driver: str = typer.Option("wrk", help="gateway mode's load driver: wrk (compiled, cheap) or httpx (Python)"),
) -> None:
    profiles = personas(n)
    relay = run_relay(profiles, rate)
    pipeline = run_pipeline(profiles, rate, via_gateway=mode == "gateway", driver=driver)
    table = Table("run", "sent", "received", "seconds", "profiles/s", "p50 ms", "p95 ms", "p99 ms")
    for r in (relay, pipeline):
        table.add_row(r.name, str(r.sent), str(r.received), f"{r.seconds:.1f}", f"{r.throughput:.0f}",
                      f"{r.percentile(50):.0f}", f"{r.percentile(95):.0f}", f"{r.percentile(99):.0f}")
    console.print(f"offered rate {rate:.0f}/s, {n} profiles, mode {mode}")
    console.print(table)
    if relay.throughput:
        console.print(f"pipeline / bare relay throughput ratio: {pipeline.throughput / relay.throughput:.2f}")
    for r in (relay, pipeline):
        spent = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in sorted(r.cpu_seconds.items()))
        console.print(f"CPU seconds used during the measured part of '{r.name}': {spent}")


if __name__ == "__main__":
    cli()
