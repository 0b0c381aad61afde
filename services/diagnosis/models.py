"""Operator commands of the employability model registry (the learning loop):

    python -m services.diagnosis.models list
    python -m services.diagnosis.models card employability-v2
    python -m services.diagnosis.models train                    # a candidate, graded by the release gate
    python -m services.diagnosis.models release employability-v2 [--approve-shift]
    python -m services.diagnosis.models rollback                 # back to the version released before
    python -m services.diagnosis.models export registry.json     # every version, for audit

A release or rollback moves the registry's pointer, then emits `model.released`: the diagnosis workers load the
version without a restart (the one that receives the event at once, the others at their next poll)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import typer

from services.diagnosis.adapters.registry import MODEL, Registry, RegistryError
from services.diagnosis.config import DiagnosisSettings
from services.diagnosis.learning import Learning
from shared.messaging.access import KafkaAccess
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import make_producer, send
from shared.schemas.diagnosis import ModelReleased

cli = typer.Typer(add_completion=False, no_args_is_help=True)


def publish(access: KafkaAccess, factory: EventFactory, released: ModelReleased) -> None:
    """Emit the release event and wait for the broker's acknowledgement."""
    outgoing = factory.event("model.released", MODEL, released,
                             entity=f"{released.version}:{released.released_at.isoformat()}", time=released.released_at)
    producer = make_producer(access)
    try:
        future = send(producer, outgoing.topic, outgoing.event)
        producer.flush(timeout=30)
        future.get(timeout=30)  # type: ignore[attr-defined]
    finally:
        producer.close(timeout=5)


def _learning(settings: DiagnosisSettings) -> Learning:
    return Learning(Registry.open(settings.mongo_url, settings.mongo_db))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@cli.command("list")
def list_versions() -> None:
    """Every version, oldest first: status, held-out AUC and blocking checks."""
    for doc in _learning(DiagnosisSettings()).registry.versions():
        failed = [c["name"] for c in doc["checks"] if not c["passed"]]
        auc = doc["metrics"].get("auc")
        typer.echo(f"{doc['_id']:<22} {doc['status']:<10} AUC {'-' if auc is None else f'{auc:.3f}'}  "
                   f"failed: {', '.join(failed) or 'none'}")


@cli.command()
def card(version: str) -> None:
    """The version's model card (markdown)."""
    doc = _learning(DiagnosisSettings()).registry.get(version)
    if doc is None:
        raise typer.BadParameter(f"no model version {version}")
    typer.echo(doc["card"])


@cli.command()
def export(path: Path) -> None:
    """The whole registry as JSON (every version, its card, checks, metrics and parameters, and which is released):
    the operator's copy for audit or another environment."""
    registry = _learning(DiagnosisSettings()).registry
    dump = registry.export()
    path.write_bytes(orjson.dumps(dump, option=orjson.OPT_INDENT_2))
    typer.echo(f"{len(dump['models'])} versions -> {path}")


@cli.command()
def train(by: str = typer.Option("operator", help="who asked, for the audit trail")) -> None:
    """Train a candidate on the survey outcomes and grade it; it is registered as candidate or refused."""
    trained = _learning(DiagnosisSettings()).retrain(_now(), by)
    for check in trained.candidate.checks:
        typer.echo(f"{'pass' if check.passed else 'FAIL'}  {check.name:<28} {check.detail}")
    typer.echo(f"{trained.version or '(nothing fitted)'}: {trained.status}")


@cli.command()
def release(version: str, approve_shift: bool = typer.Option(False, help="accept a score shift beyond PSI 0.1"),
            by: str = typer.Option("operator")) -> None:
    settings = DiagnosisSettings()
    try:
        released = _learning(settings).release(version, _now(), by, approve_shift)
    except RegistryError as exc:
        raise typer.BadParameter(str(exc)) from None
    publish(settings.kafka, EventFactory(settings.service_name, settings.public_url), released)
    typer.echo(f"released {released.version} (was {released.previous_version})")


@cli.command()
def rollback(by: str = typer.Option("operator")) -> None:
    settings = DiagnosisSettings()
    try:
        released = _learning(settings).rollback(_now(), by)
    except RegistryError as exc:
        raise typer.BadParameter(str(exc)) from None
    publish(settings.kafka, EventFactory(settings.service_name, settings.public_url), released)
    typer.echo(f"rolled back to {released.version} (was {released.previous_version})")


if __name__ == "__main__":
    cli()
