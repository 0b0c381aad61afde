"""Start and stop the platform: infrastructure first (Kafka, FerretDB), then services and the gateway."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pymongo
from tenacity import Retrying, retry_if_result, stop_after_delay, wait_fixed

from deploy.local import demo, gateway, install, monitoring, tls
from deploy.local import procs as procs_module
from deploy.local.paths import DEPLOY, FERRETDB_BIN, KAFKA_LIBS, LOCAL, REPO, VENV_PYTHON
from deploy.local.procs import ProcessGroup
from deploy.local.services import MAX_WORKERS, SERVICE_NAMES, copy_name, instances
from shared import database_access
from shared.admin import new_password, provision
from shared.messaging.acls import ADMIN, MONITOR, PRINCIPALS
from shared.messaging.kafka import KafkaAccess, kafka_ready
from shared.referential.connection import MONGO_URL_ENV

INFRA_PROCESSES = frozenset({"kafka", "ferretdb"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _write_private(path: Path, text: str) -> None:
    """Secrets (passwords, the broker's properties that hold the admin's): readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


@dataclass
class PlatformConfig:
    state_dir: Path = LOCAL / "platform"
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    kafka_partner_port: int = 9094  # SASL over TLS, for partners
    mongo_port: int = 27017
    gateway_port: int = 8000
    smtp_port: int = 1025
    notifier_metrics_port: int = monitoring.NOTIFIER_METRICS_PORT
    # Monitoring (`start_monitoring`): Prometheus, the consumer-lag exporter, the nginx exporter and the
    # gateway's loopback-only stub_status listener it reads.
    prometheus_port: int = monitoring.PROMETHEUS_PORT
    lag_exporter_port: int = monitoring.LAG_EXPORTER_PORT
    nginx_exporter_port: int = monitoring.NGINX_EXPORTER_PORT
    gateway_status_port: int = monitoring.GATEWAY_STATUS_PORT
    scrape_interval: str = "15s"
    service_ports: dict[str, int] = field(default_factory=dict)
    worker_metrics_ports: dict[str, int] = field(default_factory=dict)
    # Each worker runs as `workers` processes in its consumer group (BOB_WORKERS); copies after the first serve
    # metrics on these ports, by process name (e.g. advice-worker-2).
    workers: int = 1
    copy_metrics_ports: dict[str, int] = field(default_factory=dict)
    supervisor_port: int = monitoring.SUPERVISOR_PORT
    environment: str = "dev"
    # Where operators' alerts are mailed (locally: the SMTP sink's maildir).
    operator_email: str = "operators@bob.example.org"
    gateway_rate_per_second: int = 200
    gateway_signin_rate_per_minute: int = gateway.SIGNIN_RATE_PER_MINUTE
    extra_env: dict[str, str] = field(default_factory=dict)
    # Tests: processes die with the test run. `make run`: they outlive the command that started them.
    die_with_parent: bool = False
    # Infrastructure run by someone else (testcontainers, CI services): then only services are started here.
    external_kafka: KafkaAccess | None = None
    external_mongo: str | None = None

    @classmethod
    def from_env(cls) -> PlatformConfig:
        """Defaults for `make run`; every port can be overridden by a BOB_* variable."""
        base = _env_int("BOB_SERVICE_PORT_BASE", 8101)
        metrics_base = _env_int("BOB_WORKER_METRICS_PORT_BASE", monitoring.WORKER_METRICS_PORT_BASE)
        notifier_port = _env_int("BOB_NOTIFIER_METRICS_PORT", monitoring.NOTIFIER_METRICS_PORT)
        workers = _env_int("BOB_WORKERS", 1)
        # Copy k of a worker: its first copy's port + 100 (k - 1), e.g. advice-worker-2 on 9203.
        first = {name: metrics_base + i for i, name in enumerate(SERVICE_NAMES)} | {"notifier": notifier_port}
        return cls(
            state_dir=Path(os.environ.get("BOB_STATE_DIR", LOCAL / "platform")),
            kafka_port=_env_int("BOB_KAFKA_PORT", 9092),
            kafka_controller_port=_env_int("BOB_KAFKA_CONTROLLER_PORT", 9093),
            kafka_partner_port=_env_int("BOB_KAFKA_PARTNER_PORT", 9094),
            mongo_port=_env_int("BOB_MONGO_PORT", 27017),
            gateway_port=_env_int("BOB_GATEWAY_PORT", 8000),
            smtp_port=_env_int("BOB_SMTP_PORT", 1025),
            notifier_metrics_port=notifier_port,
            prometheus_port=_env_int("BOB_PROMETHEUS_PORT", monitoring.PROMETHEUS_PORT),
            lag_exporter_port=_env_int("BOB_LAG_EXPORTER_PORT", monitoring.LAG_EXPORTER_PORT),
            nginx_exporter_port=_env_int("BOB_NGINX_EXPORTER_PORT", monitoring.NGINX_EXPORTER_PORT),
            gateway_status_port=_env_int("BOB_GATEWAY_STATUS_PORT", monitoring.GATEWAY_STATUS_PORT),
            service_ports={name: base + i for i, name in enumerate(SERVICE_NAMES)},
            worker_metrics_ports={name: metrics_base + i for i, name in enumerate(SERVICE_NAMES)},
            workers=workers,
            copy_metrics_ports={copy_name(p, k): first[p.service] + 100 * (k - 1)
                                for p, k in instances(workers) if k > 1},
            supervisor_port=_env_int("BOB_SUPERVISOR_PORT", monitoring.SUPERVISOR_PORT),
            gateway_rate_per_second=_env_int("BOB_GATEWAY_RATE", 200),
            operator_email=os.environ.get("BOB_OPERATOR_EMAIL", cls.operator_email),
            gateway_signin_rate_per_minute=_env_int("BOB_GATEWAY_SIGNIN_RATE", gateway.SIGNIN_RATE_PER_MINUTE),
        )

    @classmethod
    def on_free_ports(cls, state_dir: Path, environment: str = "test", workers: int = 1) -> PlatformConfig:
        """For tests: nothing collides with a running `make run`."""
        return cls(
            state_dir=state_dir,
            kafka_port=free_port(),
            kafka_controller_port=free_port(),
            kafka_partner_port=free_port(),
            mongo_port=free_port(),
            gateway_port=free_port(),
            smtp_port=free_port(),
            notifier_metrics_port=free_port(),
            prometheus_port=free_port(),
            lag_exporter_port=free_port(),
            nginx_exporter_port=free_port(),
            gateway_status_port=free_port(),
            scrape_interval="2s",  # rate() over a minute has samples enough, at little cost to the suite
            # The impact and pledges gauges are recomputed every minute in production; tests read them sooner. A
            # failing webhook endpoint is disabled (and operators told) after a few failures, not a hundred.
            extra_env={"FOLLOWUP_FIGURES_INTERVAL_SECONDS": "10", "PLEDGES_FIGURES_INTERVAL_SECONDS": "10",
                       "PARTNERS_DISABLE_AFTER_FAILURES": "3",
                       # A notifier killed mid-send (tests/faults): its claims are taken over within a minute.
                       "NOTIFIER_STALE_CLAIM_SECONDS": "45"},
            service_ports={name: free_port() for name in SERVICE_NAMES},
            worker_metrics_ports={name: free_port() for name in SERVICE_NAMES},
            workers=workers,
            copy_metrics_ports={copy_name(p, k): free_port() for p, k in instances(workers) if k > 1},
            supervisor_port=free_port(),
            environment=environment,
            gateway_rate_per_second=1000,
            gateway_signin_rate_per_minute=6000,  # tests sign many people in from 127.0.0.1
            die_with_parent=True,
        )

    @property
    def bootstrap_servers(self) -> str:
        return self.external_kafka.bootstrap_servers if self.external_kafka else f"127.0.0.1:{self.kafka_port}"

    @property
    def partner_bootstrap_servers(self) -> str:
        # The broker certificate names localhost (and 127.0.0.1): partners verify the host name.
        return f"localhost:{self.kafka_partner_port}"

    @property
    def kafka_dir(self) -> Path:
        return self.state_dir / "kafka"

    @property
    def kafka_credentials_file(self) -> Path:
        """{principal: password} for the admin and every service, generated at the first start (0600)."""
        return self.kafka_dir / "credentials.json"

    @property
    def kafka_ca_file(self) -> Path:
        """The CA certificate that signed the partner listener's certificate: what a partner trusts."""
        return self.kafka_dir / "tls" / "ca.pem"

    @property
    def mongo_dir(self) -> Path:
        return self.state_dir / "mongo"

    @property
    def mongo_credentials_file(self) -> Path:
        """{user: password} for FerretDB's admin and every service, generated at the first start (0600)."""
        return self.mongo_dir / "credentials.json"

    @property
    def mongo_grants_file(self) -> Path:
        """Each user's databases, generated from shared/database_access.py at every start (no secret in it)."""
        return self.mongo_dir / "grants.json"

    def mongo_url_as(self, user: str) -> str:
        """The local FerretDB as `user` (the admin, or a service); an external MongoDB as it was given."""
        if self.external_mongo is not None:
            return self.external_mongo
        password = json.loads(self.mongo_credentials_file.read_text())[user]
        return database_access.with_user(f"mongodb://127.0.0.1:{self.mongo_port}", user, password)

    @property
    def mongo_url(self) -> str:
        """As the admin: for setup, the seed and the tests' checks, never for a service."""
        return self.mongo_url_as(database_access.ADMIN)

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
        credentials = config.kafka_credentials_file
        self.credentials: dict[str, str] = json.loads(credentials.read_text()) if credentials.exists() else {}

    # Kafka principals
    def kafka(self, principal: str = ADMIN) -> KafkaAccess:
        """The loopback listener as `principal` (the admin, or a service); an external broker as it was given."""
        if self.config.external_kafka is not None:
            return self.config.external_kafka
        return KafkaAccess(self.config.bootstrap_servers, principal, self.credentials[principal])

    def partner_kafka(self, user: str, password: str) -> KafkaAccess:
        """The partner listener (SASL over TLS, verified with the platform's CA) as `user`."""
        cfg = self.config
        return KafkaAccess(cfg.partner_bootstrap_servers, user, password, str(cfg.kafka_ca_file))

    def _ensure_mongo_credentials(self) -> dict[str, str]:
        """A password per database user, kept across starts. Without the file, new ones: FerretDB resets its admin's
        password at start and provisioning resets the services', so the data stays."""
        file = self.config.mongo_credentials_file
        stored: dict[str, str] = json.loads(file.read_text()) if file.exists() else {}
        wanted = {database_access.ADMIN, *database_access.ACCESS}
        if not wanted <= stored.keys():
            stored = {u: stored.get(u) or database_access.new_password() for u in sorted(wanted)}
            file.parent.mkdir(parents=True, exist_ok=True)
            _write_private(file, json.dumps(stored, indent=2) + "\n")
        return stored

    def _ensure_credentials(self) -> None:
        """A password per principal. Without the file, the broker's data was formatted with passwords now lost:
        it starts afresh (it is the local platform's state, not a production log)."""
        file = self.config.kafka_credentials_file
        if not file.exists():
            shutil.rmtree(self.config.kafka_dir / "data", ignore_errors=True)
        wanted = {ADMIN, MONITOR, *PRINCIPALS}
        if not wanted <= self.credentials.keys():
            self.credentials = {p: self.credentials.get(p) or new_password() for p in sorted(wanted)}
            file.parent.mkdir(parents=True, exist_ok=True)
            _write_private(file, json.dumps(self.credentials, indent=2) + "\n")

    # Infrastructure
    def start_infra(self) -> None:
        install.ensure_kafka()
        install.ensure_ferretdb()
        running = self.procs.running()
        if "ferretdb" not in running:
            self._start_ferretdb()
        if "kafka" not in running:
            self._start_kafka()
        self._wait("ferretdb", self._mongo_ready, 30)
        passwords = self._ensure_mongo_credentials()
        database_access.provision(self.config.mongo_url, {s: passwords[s] for s in database_access.ACCESS})
        self._wait("kafka", lambda: kafka_ready(self.kafka()), 90)
        provision(self.kafka(), {p: self.credentials[p] for p in (*PRINCIPALS, MONITOR)})

    def _start_kafka(self) -> None:
        cfg = self.config
        self._ensure_credentials()
        data_dir = cfg.kafka_dir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        tls_files = tls.ensure(cfg.kafka_dir / "tls")
        props = cfg.kafka_dir / "server.properties"
        template = (DEPLOY / "kafka" / "server.properties.template").read_text()
        _write_private(props, template.format(
            bind="127.0.0.1", host="127.0.0.1", partner_host="localhost", port=cfg.kafka_port,
            partner_port=cfg.kafka_partner_port, controller_port=cfg.kafka_controller_port, data_dir=data_dir,
            admin_password=self.credentials[ADMIN], tls_keystore=tls_files.keystore,
        ))
        cluster_file = cfg.kafka_dir / "cluster-id"
        if not cluster_file.exists():
            cluster_file.write_text(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))
        classpath = f"{KAFKA_LIBS}/*"
        java = ["java", f"-Dlog4j.configuration=file:{DEPLOY / 'kafka' / 'log4j.properties'}", "-cp", classpath]
        # Every principal's SCRAM credential is in the first metadata records: the broker needs the admin's to
        # reach its own controller. Ignored once formatted; provision() upserts them at each start.
        scram = [f"--add-scram=SCRAM-SHA-512=[name={p},password={pw}]" for p, pw in self.credentials.items()]
        subprocess.run(
            [*java, "kafka.tools.StorageTool", "format", f"--cluster-id={cluster_file.read_text()}", "-c", str(props),
             "--ignore-formatted", *scram],
            check=True, stdout=subprocess.DEVNULL,
        )
        self.procs.start("kafka", [*java[:1], "-Xms128m", "-Xmx512m", *java[1:], "kafka.Kafka", str(props)])

    def _start_ferretdb(self) -> None:
        cfg = self.config
        data_dir = cfg.state_dir / "ferretdb-data"
        data_dir.mkdir(parents=True, exist_ok=True)
        passwords = self._ensure_mongo_credentials()
        cfg.mongo_grants_file.write_text(json.dumps(database_access.grants(), indent=2, sort_keys=True) + "\n")
        self.procs.start(
            "ferretdb",
            [str(FERRETDB_BIN), "-listen", f"127.0.0.1:{cfg.mongo_port}", "-data-dir", str(data_dir),
             "-grants", str(cfg.mongo_grants_file), "-setup-user", database_access.ADMIN],
            # Not on the command line, which any local user can read.
            env={"FERRETDB_SETUP_PASSWORD": passwords[database_access.ADMIN]},
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
    def service_env(self, service: str, process: str | None = None) -> dict[str, str]:
        """The environment of `service`'s processes; `process` names a worker's copy (its own metrics port)."""
        cfg = self.config
        prefix = f"{service.upper()}_"
        kafka = self.kafka(service)
        values = {
            "ENVIRONMENT": cfg.environment,
            "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            "MONGO_URL": cfg.mongo_url_as(service),
            "WORKER_METRICS_PORT": str(cfg.copy_metrics_ports.get(process or "") or
                                       (cfg.worker_metrics_ports | {"notifier": cfg.notifier_metrics_port})[service]),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(cfg.smtp_port),
            "PUBLIC_URL": cfg.gateway_url,
        }
        if kafka.username is not None and kafka.password is not None:
            values |= {"KAFKA_USERNAME": kafka.username, "KAFKA_PASSWORD": kafka.password}
        if service in cfg.service_ports:  # the notifier serves no API
            values["HTTP_PORT"] = str(cfg.service_ports[service])
        if service == "notifier":
            values["OPERATOR_EMAIL"] = cfg.operator_email
        if service == "partners" and cfg.external_kafka is None:
            # Registering a partner creates its Kafka user, topic and ACLs (services/partners/config.py).
            values["KAFKA_ADMIN_PASSWORD"] = self.credentials[ADMIN]
        return {f"{prefix}{k}": v for k, v in values.items()} | {"PYTHONPATH": str(REPO)} | cfg.extra_env

    def start_services(self, only: frozenset[str] | None = None) -> None:
        """Every service process (each worker `workers` times), or only those named (e.g. "profile-api"), then the
        gateway: those not running already. Copies beyond `workers` are stopped."""
        running = self.procs.running()
        if "smtp-sink" not in running:
            self.procs.start(
                "smtp-sink",
                [str(VENV_PYTHON), "-m", "deploy.local.smtp_sink", "--port", str(self.config.smtp_port),
                 "--maildir", str(self.config.maildir)],
                cwd=REPO,
            )
        wanted = {copy_name(p, k) for p, k in instances(self.config.workers)}
        extra = {copy_name(p, k) for p, k in instances(MAX_WORKERS) if k > 1} - wanted
        self.procs.stop_all(only=frozenset(extra))  # dead ones too: else a supervisor would start them again
        chosen = [(proc, copy) for proc, copy in instances(self.config.workers) if only is None or proc.name in only]
        for proc, copy in chosen:
            name = copy_name(proc, copy)
            if name not in running:
                self.procs.start(name, [str(VENV_PYTHON), "-m", proc.module],
                                 env=self.service_env(proc.service, name), cwd=REPO)
        if "nginx" not in running:
            self.start_gateway()
        for proc, _ in chosen:
            if proc.role == "api":  # an API loads the referential before it answers: slow on a busy machine
                self._wait(f"{proc.service} health", functools.partial(self._healthy, proc.service), 180, proc.name)

    def scale(self, workers: int, only: frozenset[str] | None = None) -> None:
        """Run `workers` copies of each worker (or of those named) on a running platform: the missing copies start,
        those beyond stop. A copy without a metrics port gets a free one. A running supervisor is paused meanwhile
        (it would start again the copies being stopped), then watches the new ones too."""
        cfg = self.config
        cfg.workers = workers
        for proc, copy in instances(workers):
            if copy > 1 and copy_name(proc, copy) not in cfg.copy_metrics_ports:
                cfg.copy_metrics_ports[copy_name(proc, copy)] = free_port()
        supervised = self.procs.supervisor_pid() is not None
        self.procs.stop_supervisor()
        self.start_services(only)
        if supervised:
            self.start_supervisor()

    def start_gateway(self) -> None:
        install.ensure_nginx()
        cfg = self.config
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (cfg.state_dir / "nginx" / sub).mkdir(parents=True, exist_ok=True)
        conf = cfg.state_dir / "nginx.conf"
        conf.write_text(
            gateway.render(
                listen=f"127.0.0.1:{cfg.gateway_port}",
                upstreams={name: f"127.0.0.1:{port}" for name, port in cfg.service_ports.items()}
                | {"prometheus": f"127.0.0.1:{cfg.prometheus_port}"},
                status_listen=f"127.0.0.1:{cfg.gateway_status_port}",
                state_dir=cfg.state_dir,
                rate_per_second=cfg.gateway_rate_per_second,
                signin_rate_per_minute=cfg.gateway_signin_rate_per_minute,
                run_as_root=os.geteuid() == 0,
            )
        )
        nginx = install.nginx_binary()
        assert nginx is not None
        self.procs.start("nginx", [nginx, "-c", str(conf), "-p", str(cfg.state_dir / "nginx")])

    # Monitoring
    def metrics_addresses(self) -> dict[str, str]:
        """{process: host:port} of every process serving metrics (an API's are on its HTTP port)."""
        cfg = self.config
        ports = {f"{name}-api": port for name, port in cfg.service_ports.items()}
        ports |= {f"{name}-worker": port for name, port in cfg.worker_metrics_ports.items()}
        ports |= {"notifier-worker": cfg.notifier_metrics_port, "lag-exporter": cfg.lag_exporter_port,
                  "nginx-exporter": cfg.nginx_exporter_port}
        ports |= cfg.copy_metrics_ports
        return {name: f"127.0.0.1:{port}" for name, port in ports.items()}

    def start_monitoring(self) -> None:
        """The consumer-lag exporter, the nginx exporter and Prometheus (with the rules of deploy/prometheus/),
        all on loopback; Prometheus's configuration is generated from this platform's ports."""
        install.ensure_monitoring()
        cfg = self.config
        monitor = self.kafka(MONITOR)
        env = {"LAG_EXPORTER_KAFKA_BOOTSTRAP_SERVERS": monitor.bootstrap_servers,
               "LAG_EXPORTER_PORT": str(cfg.lag_exporter_port), "PYTHONPATH": str(REPO)}
        if monitor.username is not None and monitor.password is not None:
            env |= {"LAG_EXPORTER_KAFKA_USERNAME": monitor.username, "LAG_EXPORTER_KAFKA_PASSWORD": monitor.password}
        running = self.procs.running()
        if "lag-exporter" not in running:
            self.procs.start("lag-exporter", [str(VENV_PYTHON), "-m", "shared.messaging.lag_exporter"], env=env,
                             cwd=REPO)
        if "nginx-exporter" not in running:
            self.procs.start("nginx-exporter", [
                install.NGINX_EXPORTER, f"-nginx.scrape-uri=http://127.0.0.1:{cfg.gateway_status_port}/stub_status",
                f"-web.listen-address=127.0.0.1:{cfg.nginx_exporter_port}",
            ])
        home = cfg.state_dir / "prometheus"
        (home / "data").mkdir(parents=True, exist_ok=True)
        supervisor = monitoring.Target("supervisor", "supervisor", f"127.0.0.1:{cfg.supervisor_port}")
        (home / "prometheus.yml").write_text(monitoring.render(
            [*monitoring.targets(self.metrics_addresses()), supervisor], rule_files=[str(monitoring.RULES)],
            scrape_interval=cfg.scrape_interval,
        ))
        if "prometheus" in running:  # the copies may have changed: it reloads its configuration on SIGHUP
            os.kill(running["prometheus"], signal.SIGHUP)
        else:
            self.procs.start("prometheus", [
                install.PROMETHEUS, f"--config.file={home / 'prometheus.yml'}", f"--storage.tsdb.path={home / 'data'}",
                f"--web.listen-address=127.0.0.1:{cfg.prometheus_port}", "--log.level=warn",
            ])
        self._wait("prometheus", self._prometheus_ready, 60)

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.config.prometheus_port}"

    def _prometheus_ready(self) -> bool:
        try:
            return httpx.get(f"{self.prometheus_url}/-/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def _healthy(self, service: str) -> bool:
        try:
            url = f"{self.config.gateway_url}/api/v1/{service}/healthz"
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def seed(self) -> None:
        """Load the bundled reference data (idempotent)."""
        subprocess.run(
            [str(VENV_PYTHON), "-m", "shared.referential", "seed"],
            check=True, cwd=REPO, stdout=subprocess.DEVNULL, env=self.admin_env(),
        )

    def seed_demo(self) -> int:
        """Made-up follow-up answers with a control group (deploy/local/demo.py), for `make run`'s impact charts, and
        made-up learning data with two retraining runs (deploy/local/demo_model.py), for its model section."""
        from deploy.local import demo_model  # the diagnosis's model code (scikit-learn): loaded only to seed

        now = dt.datetime.now(dt.UTC)
        return demo.seed(self.config.mongo_url, now) + demo_model.seed(self.config.mongo_url, now)

    def admin_env(self) -> dict[str, str]:
        """For the referential's commands, as the admin: the URL in the environment, not on the command line."""
        return {**os.environ, MONGO_URL_ENV: self.config.mongo_url}

    def up(self) -> None:
        self.start_infra()
        self.seed()
        self.seed_demo()
        self.start_services()
        self.start_monitoring()
        self.start_supervisor()

    # Supervision
    def start_supervisor(self) -> int:
        """The supervisor (deploy/local/supervisor.py) of every process started so far; a running one is stopped
        first (it reads the processes at start). It outlives `make run` unless the platform dies with its parent."""
        self.procs.stop_supervisor()
        cfg = self.config
        log = (self.procs.logs_dir / "supervisor.log").open("ab")
        proc = subprocess.Popen(
            [str(VENV_PYTHON), "-m", "deploy.local.supervisor", "--state-dir", str(cfg.state_dir),
             "--port", str(cfg.supervisor_port), *(["--die-with-parent"] if cfg.die_with_parent else [])],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=REPO, start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            preexec_fn=procs_module.die_with_parent if cfg.die_with_parent else None,
        )
        log.close()
        self.procs.supervisor_pid_file.write_text(str(proc.pid))
        return proc.pid

    def supervisor_metrics(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.config.supervisor_port}/metrics", timeout=5).text

    def down(self) -> None:
        # The supervisor first, so it does not start again what is being stopped; then services, so workers leave
        # their consumer groups while Kafka still answers.
        self.procs.stop_supervisor()
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
