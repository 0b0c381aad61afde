"""`python -m deploy.local up|down|status`: the platform on this machine (used by `make run` / `make stop`)."""

from __future__ import annotations

import subprocess
import time

import typer
from rich.console import Console
from rich.table import Table

from deploy.local.paths import REPO, VENV_PYTHON
from deploy.local.platform import Platform, PlatformConfig
from deploy.local.services import SERVICE_NAMES

cli = typer.Typer(add_completion=False, no_args_is_help=True)
console = Console()
# The official referential beside the repo, when present: the seed alone has a few hundred job titles.
ROME_DATA = REPO.parent / "shared" / "data" / "rome"


@cli.command()
def up() -> None:
    """Install what is missing, start infrastructure and services, seed demo data, wait until healthy, then leave
    the supervisor watching every process. On a running platform: start only what is missing."""
    started = time.monotonic()
    platform = Platform(PlatformConfig.from_env())
    # It would race what is started here; it is started again at the end, watching everything.
    platform.procs.stop_supervisor()
    already = platform.procs.running()
    if already:
        console.print(f"[yellow]{len(already)} processes already run: starting only what is missing.[/yellow]")
    try:
        with console.status("Starting Kafka and FerretDB..."):
            platform.start_infra()
        if "ferretdb" not in already:  # the seeds are idempotent, but the ROME import takes a while
            with console.status("Loading the demo seed..."):
                platform.seed()
                platform.seed_demo()
            if ROME_DATA.is_dir():
                with console.status("Importing the ROME referential from ../shared/data (about 11,000 job "
                                    "titles)..."):
                    subprocess.run(
                        [str(VENV_PYTHON), "-m", "shared.referential", "import-rome", str(ROME_DATA)],
                        check=True, cwd=REPO, stdout=subprocess.DEVNULL, env=platform.admin_env(),
                    )
        with console.status(f"Starting services ({platform.config.workers} per worker) and the gateway..."):
            platform.start_services()
        with console.status("Starting Prometheus and the exporters..."):
            platform.start_monitoring()
        platform.start_supervisor()
    except Exception:
        if not already:
            platform.down()
        raise
    cfg = platform.config
    console.print(f"[green]Platform up in {time.monotonic() - started:.1f}s[/green]")
    table = Table("what", "where")
    table.add_row("web client", f"{cfg.gateway_url}/")
    table.add_row("gateway", cfg.gateway_url)
    for name in SERVICE_NAMES:
        table.add_row(f"{name} health", f"{cfg.gateway_url}/api/v1/{name}/healthz")
    table.add_row("kafka (services, SASL/SCRAM)", cfg.bootstrap_servers)
    table.add_row("kafka (partners, SASL over TLS)", cfg.partner_bootstrap_servers)
    table.add_row("kafka credentials (0600)", str(cfg.kafka_credentials_file))
    table.add_row("kafka CA certificate", str(cfg.kafka_ca_file))
    table.add_row("mongodb (FerretDB, SCRAM-SHA-256)", f"127.0.0.1:{cfg.mongo_port}")
    table.add_row("mongodb credentials (0600)", str(cfg.mongo_credentials_file))
    table.add_row("operator page (role operator)", f"{cfg.gateway_url}/#/operator")
    table.add_row("prometheus (alerts: /alerts)", platform.prometheus_url)
    table.add_row("supervisor (restarts: /metrics)", f"http://127.0.0.1:{cfg.supervisor_port}/metrics")
    table.add_row("logs", str(cfg.state_dir / "logs"))
    table.add_row("emails (sign-in links)", str(cfg.maildir))
    console.print(table)


@cli.command()
def down() -> None:
    """Stop every process the platform started."""
    platform = Platform(PlatformConfig.from_env())
    platform.down()
    console.print("[green]Platform stopped.[/green]")


@cli.command("mongo-url")
def mongo_url(user: str = typer.Argument("admin", help="admin, or a service (its own database user)")) -> None:
    """Print the local FerretDB's connection string as `user`, password included (for a command run by hand)."""
    typer.echo(PlatformConfig.from_env().mongo_url_as(user))


@cli.command()
def status() -> None:
    """List the platform's running processes."""
    procs = Platform(PlatformConfig.from_env()).procs
    running = procs.running()
    supervisor = procs.supervisor_pid()
    console.print(f"{'supervisor':20} " + (f"pid {supervisor}" if supervisor else "not running: nothing restarts"))
    for name, pid in running.items():
        console.print(f"{name:20} pid {pid}")
    if not running:
        console.print("nothing running")


if __name__ == "__main__":
    cli()
