"""Start and stop the platform: infrastructure first (Kafka, FerretDB), then services and the gateway."""

from __future__ import annotations

import base64
import functools
import os
import socket
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pymongo
from tenacity import Retrying, retry_if_result, stop_after_delay, wait_fixed

from deploy.local import gateway, install
from deploy.local.paths import DEPLOY, FERRETDB_BIN, KAFKA_LIBS, LOCAL, REPO, VENV_PYTHON
from deploy.local.procs import ProcessGroup
from deploy.local.services import PROCESSES, SERVICE_NAMES
from shared.messaging.kafka import ensure_topics, kafka_ready

INFRA_PROCESSES = frozenset({"kafka", "ferretdb"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass
class PlatformConfig:
    state_dir: Path = LOCAL / "platform"
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    mongo_port: int = 27017
    gateway_port: int = 8000
    smtp_port: int = 1025
    notifier_metrics_port: int = 9150
    service_ports: dict[str, int] = field(default_factory=dict)
    worker_metrics_ports: dict[str, int] = field(default_factory=dict)
    environment: str = "dev"
    gateway_rate_per_second: int = 200
    gateway_signin_rate_per_minute: int = gateway.SIGNIN_RATE_PER_MINUTE
    extra_env: dict[str, str] = field(default_factory=dict)
    # Tests: processes die with the test run. `make run`: they outlive the command that started them.
    die_with_parent: bool = False
    # Infrastructure run by someone else (testcontainers, CI services): then only services are started here.
    external_kafka: str | None = None
    external_mongo: str | None = None

    @classmethod
    def from_env(cls) -> PlatformConfig:
        """Defaults for `make run`; every port can be overridden by a BOB_* variable."""
        base = _env_int("BOB_SERVICE_PORT_BASE", 8101)
        metrics_base = _env_int("BOB_WORKER_METRICS_PORT_BASE", 9101)
        return cls(
            state_dir=Path(os.environ.get("BOB_STATE_DIR", LOCAL / "platform")),
            kafka_port=_env_int("BOB_KAFKA_PORT", 9092),
            kafka_controller_port=_env_int("BOB_KAFKA_CONTROLLER_PORT", 9093),
            mongo_port=_env_int("BOB_MONGO_PORT", 27017),
            gateway_port=_env_int("BOB_GATEWAY_PORT", 8000),
            smtp_port=_env_int("BOB_SMTP_PORT", 1025),
            notifier_metrics_port=_env_int("BOB_NOTIFIER_METRICS_PORT", 9150),
            service_ports={name: base + i for i, name in enumerate(SERVICE_NAMES)},
            worker_metrics_ports={name: metrics_base + i for i, name in enumerate(SERVICE_NAMES)},
            gateway_rate_per_second=_env_int("BOB_GATEWAY_RATE", 200),
            gateway_signin_rate_per_minute=_env_int("BOB_GATEWAY_SIGNIN_RATE", gateway.SIGNIN_RATE_PER_MINUTE),
        )

    @classmethod
    def on_free_ports(cls, state_dir: Path, environment: str = "test") -> PlatformConfig:
        """For tests: nothing collides with a running `make run`."""
        return cls(
            state_dir=state_dir,
            kafka_port=free_port(),
            kafka_controller_port=free_port(),
            mongo_port=free_port(),
            gateway_port=free_port(),
            smtp_port=free_port(),
            notifier_metrics_port=free_port(),
            service_ports={name: free_port() for name in SERVICE_NAMES},
            worker_metrics_ports={name: free_port() for name in SERVICE_NAMES},
            environment=environment,
            gateway_rate_per_second=1000,
            gateway_signin_rate_per_minute=6000,  # tests sign many people in from 127.0.0.1
            die_with_parent=True,
        )

    @property
    def bootstrap_servers(self) -> str:
        return self.external_kafka or f"127.0.0.1:{self.kafka_port}"

    @property
    def mongo_url(self) -> str:
        return self.external_mongo or f"mongodb://127.0.0.1:{self.mongo_port}"

    @property
    def maildir(self) -> Path:
        return self.state_dir / "mail"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"


class Platform:
    def __init__(self, config: PlatformConfig) -> None:
        self.config = config
        self.procs = ProcessGroup(config.state_dir, config.die_with_parent)

    # Infrastructure
    def start_infra(self) -> None:
        install.ensure_kafka()
        install.ensure_ferretdb()
        self._start_ferretdb()
        self._start_kafka()
        self._wait("ferretdb", self._mongo_ready, 30)
        self._wait("kafka", lambda: kafka_ready(self.config.bootstrap_servers), 90)
        ensure_topics(self.config.bootstrap_servers)

    def _start_kafka(self) -> None:
        cfg = self.config
        data_dir = cfg.state_dir / "kafka-data"
        data_dir.mkdir(parents=True, exist_ok=True)
        props = cfg.state_dir / "kafka-server.properties"
        template = (DEPLOY / "kafka" / "server.properties.template").read_text()
        props.write_text(
            template.format(port=cfg.kafka_port, controller_port=cfg.kafka_controller_port, data_dir=data_dir)
        )
        cluster_file = cfg.state_dir / "kafka-cluster-id"
        if not cluster_file.exists():
            cluster_file.write_text(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))
        classpath = f"{KAFKA_LIBS}/*"
        java = ["java", f"-Dlog4j.configuration=file:{DEPLOY / 'kafka' / 'log4j.properties'}", "-cp", classpath]
        subprocess.run(
            [*java, "kafka.tools.StorageTool", "format", f"--cluster-id={cluster_file.read_text()}", "-c", str(props),
             "--ignore-formatted"],
            check=True, stdout=subprocess.DEVNULL,
        )
        self.procs.start("kafka", [*java[:1], "-Xms128m", "-Xmx512m", *java[1:], "kafka.Kafka", str(props)])

    def _start_ferretdb(self) -> None:
        data_dir = self.config.state_dir / "ferretdb-data"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.procs.start(
            "ferretdb",
            [str(FERRETDB_BIN), "-listen", f"127.0.0.1:{self.config.mongo_port}", "-data-dir", str(data_dir)],
        )

    def _mongo_ready(self) -> bool:
        try:
            client: pymongo.MongoClient[dict[str, object]]
            with pymongo.MongoClient(self.config.mongo_url, serverSelectionTimeoutMS=1000) as client:
                client.admin.command("ping")
            return True
        except pymongo.errors.PyMongoError:
            return False

    # Services and gateway
    def service_env(self, service: str) -> dict[str, str]:
        cfg = self.config
        prefix = f"{service.upper()}_"
        values = {
            "ENVIRONMENT": cfg.environment,
            "KAFKA_BOOTSTRAP_SERVERS": cfg.bootstrap_servers,
            "MONGO_URL": cfg.mongo_url,
            "WORKER_METRICS_PORT": str((cfg.worker_metrics_ports | {"notifier": cfg.notifier_metrics_port})[service]),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(cfg.smtp_port),
            "PUBLIC_URL": cfg.gateway_url,
        }
        if service in cfg.service_ports:  # the notifier serves no API
            values["HTTP_PORT"] = str(cfg.service_ports[service])
        return {f"{prefix}{k}": v for k, v in values.items()} | {"PYTHONPATH": str(REPO)} | cfg.extra_env

    def start_services(self, only: frozenset[str] | None = None) -> None:
        """Every service process, or only those named (e.g. "profile-api"), then the gateway."""
        self.procs.start(
            "smtp-sink",
            [str(VENV_PYTHON), "-m", "deploy.local.smtp_sink", "--port", str(self.config.smtp_port),
             "--maildir", str(self.config.maildir)],
            cwd=REPO,
        )
        chosen = [proc for proc in PROCESSES if only is None or proc.name in only]
        for proc in chosen:
            self.procs.start(
                proc.name, [str(VENV_PYTHON), "-m", proc.module], env=self.service_env(proc.service), cwd=REPO
            )
        self.start_gateway()
        for proc in chosen:
            if proc.role == "api":
                self._wait(f"{proc.service} health", functools.partial(self._healthy, proc.service), 60, proc.name)

    def start_gateway(self) -> None:
        install.ensure_nginx()
        cfg = self.config
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (cfg.state_dir / "nginx" / sub).mkdir(parents=True, exist_ok=True)
        conf = cfg.state_dir / "nginx.conf"
        conf.write_text(
            gateway.render(
                listen=f"127.0.0.1:{cfg.gateway_port}",
                upstreams={name: f"127.0.0.1:{port}" for name, port in cfg.service_ports.items()},
                state_dir=cfg.state_dir,
                rate_per_second=cfg.gateway_rate_per_second,
                signin_rate_per_minute=cfg.gateway_signin_rate_per_minute,
                run_as_root=os.geteuid() == 0,
            )
        )
        nginx = install.nginx_binary()
        assert nginx is not None
        self.procs.start("nginx", [nginx, "-c", str(conf), "-p", str(cfg.state_dir / "nginx")])

    def _healthy(self, service: str) -> bool:
        try:
            url = f"{self.config.gateway_url}/api/v1/{service}/healthz"
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def seed(self) -> None:
        """Load the bundled reference data (idempotent)."""
        subprocess.run(
            [str(VENV_PYTHON), "-m", "shared.referential", "seed", "--mongo-url", self.config.mongo_url],
            check=True, cwd=REPO, stdout=subprocess.DEVNULL,
        )

    def up(self) -> None:
        self.start_infra()
        self.seed()
        self.start_services()

    def down(self) -> None:
        # Services first, so workers leave their consumer groups while Kafka still answers.
        self.procs.stop_all(keep=INFRA_PROCESSES)
        self.procs.stop_all()

    def _wait(self, name: str, check: Callable[[], bool], seconds: float, process: str | None = None) -> None:
        """Poll `check` until true; fail fast with the log tail if the process died."""
        watched = process or name

        def attempt() -> bool:
            if self.procs.exited(watched):
                raise RuntimeError(f"{watched} exited")
            return check()

        try:
            ok = Retrying(
                stop=stop_after_delay(seconds), wait=wait_fixed(0.25),
                retry=retry_if_result(lambda ready: not ready), retry_error_callback=lambda _: False,
            )(attempt)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}:\n{self.procs.log_tail(watched)}") from exc
        if not ok:
            raise RuntimeError(f"{name} not ready after {seconds}s:\n{self.procs.log_tail(watched)}")
