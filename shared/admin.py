"""`python -m shared.admin create-topics`: creates the registry's topics (docker-compose init, operators)."""

from __future__ import annotations

import typer
from tenacity import retry, stop_after_delay, wait_fixed

from shared.messaging.kafka import ensure_topics

cli = typer.Typer(add_completion=False, no_args_is_help=True)


@cli.command("create-topics")
def create_topics(
    bootstrap_servers: str = typer.Option("127.0.0.1:9092", envvar="BOB_KAFKA_BOOTSTRAP_SERVERS"),
) -> None:
    """Create the missing topics with their registered partition counts (waits up to 2 min for Kafka)."""
    created = retry(stop=stop_after_delay(120), wait=wait_fixed(2), reraise=True)(ensure_topics)(bootstrap_servers)
    typer.echo(f"created: {', '.join(created) or 'none (all present)'}")


@cli.command("list-topics")
def list_topics() -> None:
    """Print the registry: name, partitions, key."""
    from shared.topics import ALL_TOPICS

    for spec in ALL_TOPICS:
        typer.echo(f"{spec.name}\t{spec.partitions}\t{spec.key}")


if __name__ == "__main__":
    cli()
