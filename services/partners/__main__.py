"""`python -m services.partners ...`: operators register partners from the command line (the same use case as
`POST /api/v1/partners`) and retire them, with the PARTNERS_ settings (PARTNERS_KAFKA_ADMIN_PASSWORD to create and
revoke its Kafka access)."""

from __future__ import annotations

import dataclasses
import json

import typer
from pydantic import ValidationError

from services.partners.config import PartnersSettings
from services.partners.domain.errors import PartnerError
from services.partners.domain.partner import SCOPES, Registration
from services.partners.entrypoints.deps import wire
from services.partners.service import utc_now

cli = typer.Typer(add_completion=False, no_args_is_help=True)


@cli.command()
def register(
    name: str, title: str = typer.Option(...), contact: str = typer.Option(...),
    scope: list[str] = typer.Option(list(SCOPES), help="event types (repeat the option)"),
    kafka: bool = typer.Option(True, help="a Kafka topic and user for the partner"),
    webhook_url: str | None = typer.Option(None),
) -> None:
    """Register a partner and print, once, its webhook secret and Kafka password."""
    try:
        registration = Registration(name=name, title=title, contact=contact, scopes=scope, kafka=kafka,
                                    webhook_url=webhook_url)
        made = wire(PartnersSettings()).partners.register(registration, utc_now())
    except (ValidationError, PartnerError) as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(json.dumps({"partner": made.partner.model_dump(mode="json"), "webhook_secret": made.webhook_secret,
                           "kafka_user": made.kafka_user, "kafka_password": made.kafka_password}, indent=2))


@cli.command()
def retire(name: str) -> None:
    """End a partnership (as `DELETE /api/v1/partners/{name}`): Kafka access, then all that is stored for it."""
    try:
        done = wire(PartnersSettings()).partners.retire(name, utc_now())
    except PartnerError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(json.dumps(dataclasses.asdict(done), indent=2))
    if done.kafka_left:
        typer.echo(f"Kafka access is still to revoke: python -m shared.admin partner delete {name}")


@cli.command("list")
def list_partners() -> None:
    for partner in wire(PartnersSettings()).partners.all():
        typer.echo(f"{partner.name}\t{partner.title}\t{','.join(partner.scopes)}")


if __name__ == "__main__":
    cli()
