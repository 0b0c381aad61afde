"""`python -m shared.admin ...`: Kafka administration as the super user `admin` (docker-compose init, operators):
topics from the registry, one SCRAM user per service, the ACLs generated from the registry, partner principals.

The admin password comes from `--admin-password` / BOB_KAFKA_ADMIN_PASSWORD, or from the credentials file that
`make run` writes (`--credentials .local/platform/kafka/credentials.json`)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import replace
from pathlib import Path

import typer
from kafka.admin import (  # type: ignore[import-untyped]
    ScramMechanism,
    UserScramCredentialUpsertion,
)
from tenacity import retry, stop_after_delay, wait_fixed

from shared.messaging import acls
from shared.messaging.access import KafkaAccess
from shared.messaging.contracts import Topic
from shared.messaging.kafka import admin_client, ensure_topics
from shared.topics import ALL_TOPICS, RETIRED_TOPICS

cli = typer.Typer(add_completion=False, no_args_is_help=True)


class KafkaAdminError(RuntimeError):
    """The broker refused a user change."""


def new_password() -> str:
    return secrets.token_urlsafe(24)


def upsert_users(admin: KafkaAccess, passwords: dict[str, str]) -> None:
    """Create or reset these SCRAM-SHA-512 users (idempotent)."""
    client = admin_client(admin)
    try:
        errors = client.alter_user_scram_credentials([
            UserScramCredentialUpsertion(user, ScramMechanism.SCRAM_SHA_512, password)
            for user, password in passwords.items()
        ])
    finally:
        client.close()
    failed = {user: error for user, error in (errors or {}).items() if error}
    if failed:
        raise KafkaAdminError(f"could not set SCRAM credentials: {failed}")


def apply_service_acls(admin: KafkaAccess) -> None:
    client = admin_client(admin)
    try:
        acls.apply(client, [*acls.service_rules(), *acls.monitor_rules()])
    finally:
        client.close()


def retire_topics(admin: KafkaAccess) -> list[str]:
    """Delete the retired topics and every ACL naming them (a partner's included); returns the topics deleted."""
    client = admin_client(admin)
    try:
        acls.drop_topic_acls(client, RETIRED_TOPICS)
        present = [name for name in RETIRED_TOPICS if name in set(client.list_topics())]
        if present:
            client.delete_topics(present)
        return present
    finally:
        client.close()


def provision(admin: KafkaAccess, service_passwords: dict[str, str]) -> list[str]:
    """Topics (retired ones deleted), then the services' users, then their ACLs; returns the topics created.
    Idempotent: run at every start, so a new topic, service or subscription gets its rights."""
    retire_topics(admin)
    created = ensure_topics(admin)
    upsert_users(admin, service_passwords)
    apply_service_acls(admin)
    return created


def add_partner(admin: KafkaAccess, name: str, password: str | None = None) -> tuple[str, str]:
    """The partner's own topics, its user (a new random password unless given) and its ACLs; returns (user,
    password)."""
    user = acls.partner_user(name)
    password = password or new_password()
    ensure_topics(admin, partner_topics(name))
    upsert_users(admin, {user: password})
    client = admin_client(admin)
    try:
        acls.apply(client, acls.partner_rules(name))
    finally:
        client.close()
    return user, password


def partner_topics(name: str) -> list[Topic]:
    """The registry's per-partner topics, as this partner's."""
    return [replace(t, name=t.address(name)) for t in ALL_TOPICS if t.per_partner]


def remove_partner(admin: KafkaAccess, name: str) -> str:
    """Revoke the partner's ACLs, then lock its user with a random password nobody is given (its connections fail
    from their next authentication or request); returns the user name.

    Locked, never deleted: Kafka (3.9.1 to 4.1 at least) rebuilds its SCRAM image at start from the metadata log,
    and `ScramDelta.apply` drops every user's credential when a deletion is the first change it visits (it
    removes the emptied mechanism, then keeps adding to the detached map). The platform's own users included,
    so a broker restarted after a partner's deletion could refuse everyone, its own controller too."""
    user = acls.partner_user(name)
    client = admin_client(admin)
    try:
        acls.revoke(client, user)
    finally:
        client.close()
    upsert_users(admin, {user: new_password()})
    return user


def _admin_access(bootstrap_servers: str, admin_password: str | None, credentials: Path | None,
                  ca_file: str | None) -> KafkaAccess:
    if admin_password is None and credentials is not None:
        admin_password = json.loads(credentials.read_text())[acls.ADMIN]
    if admin_password is None:
        raise typer.BadParameter("give --admin-password (BOB_KAFKA_ADMIN_PASSWORD) or --credentials")
    return KafkaAccess(bootstrap_servers, acls.ADMIN, admin_password, ca_file)


BOOTSTRAP = typer.Option("127.0.0.1:9092", envvar="BOB_KAFKA_BOOTSTRAP_SERVERS")
ADMIN_PASSWORD = typer.Option(None, envvar="BOB_KAFKA_ADMIN_PASSWORD", help="the super user's password")
CREDENTIALS = typer.Option(None, envvar="BOB_KAFKA_CREDENTIALS", help="credentials.json written by `make run`")
CA_FILE = typer.Option(None, envvar="BOB_KAFKA_CA_FILE", help="CA certificate, to connect over TLS")


@cli.command("provision")
def provision_command(
    bootstrap_servers: str = BOOTSTRAP, admin_password: str | None = ADMIN_PASSWORD,
    credentials: Path | None = CREDENTIALS, ca_file: str | None = CA_FILE,
) -> None:
    """Topics, service users (and the lag exporter's, `monitor`) and ACLs (waits up to 2 min for Kafka). Each
    password comes from BOB_KAFKA_<SERVICE>_PASSWORD (docker-compose) or from the credentials file."""
    admin = _admin_access(bootstrap_servers, admin_password, credentials, ca_file)
    stored = json.loads(credentials.read_text()) if credentials is not None else {}
    passwords = {}
    for service in (*acls.PRINCIPALS, acls.MONITOR):
        password = os.environ.get(f"BOB_KAFKA_{service.upper()}_PASSWORD") or stored.get(service)
        if not password:
            raise typer.BadParameter(f"no password for {service}: set BOB_KAFKA_{service.upper()}_PASSWORD")
        passwords[service] = password
    created = retry(stop=stop_after_delay(120), wait=wait_fixed(2), reraise=True)(provision)(admin, passwords)
    typer.echo(f"users: {', '.join(passwords)}; ACLs applied; topics created: {', '.join(created) or 'none'}")


@cli.command("create-topics")
def create_topics(
    bootstrap_servers: str = BOOTSTRAP, admin_password: str | None = ADMIN_PASSWORD,
    credentials: Path | None = CREDENTIALS, ca_file: str | None = CA_FILE,
) -> None:
    """Create the missing topics with their registered partition counts (waits up to 2 min for Kafka)."""
    admin = _admin_access(bootstrap_servers, admin_password, credentials, ca_file)
    created = retry(stop=stop_after_delay(120), wait=wait_fixed(2), reraise=True)(ensure_topics)(admin)
    typer.echo(f"created: {', '.join(created) or 'none (all present)'}")


@cli.command("apply-acls")
def apply_acls(
    bootstrap_servers: str = BOOTSTRAP, admin_password: str | None = ADMIN_PASSWORD,
    credentials: Path | None = CREDENTIALS, ca_file: str | None = CA_FILE,
) -> None:
    """Make the services' ACLs exactly what the registry says (after a change to shared/topics.py)."""
    apply_service_acls(_admin_access(bootstrap_servers, admin_password, credentials, ca_file))
    typer.echo("service ACLs applied")


partner_cli = typer.Typer(add_completion=False, no_args_is_help=True, help="Partner principals (partner-<name>).")
cli.add_typer(partner_cli, name="partner")


def _partner_name(name: str) -> str:
    try:
        acls.partner_user(name)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return name


PARTNER_NAME = typer.Argument(..., callback=_partner_name, help="lower-case letters, digits and hyphens")


@partner_cli.command("create")
def partner_create(
    name: str = PARTNER_NAME, bootstrap_servers: str = BOOTSTRAP, admin_password: str | None = ADMIN_PASSWORD,
    credentials: Path | None = CREDENTIALS, ca_file: str | None = CA_FILE,
) -> None:
    """Create (or reset the password of) the partner principal `partner-<name>` with its read-only ACLs, and print
    its password once: hand it to the partner with the CA certificate, over a channel of its own."""
    user, password = add_partner(_admin_access(bootstrap_servers, admin_password, credentials, ca_file), name)
    typer.echo(f"user: {user}\npassword: {password}")


@partner_cli.command("delete")
def partner_delete(
    name: str = PARTNER_NAME, bootstrap_servers: str = BOOTSTRAP, admin_password: str | None = ADMIN_PASSWORD,
    credentials: Path | None = CREDENTIALS, ca_file: str | None = CA_FILE,
) -> None:
    """Revoke the partner's ACLs and lock its user (a password nobody has)."""
    user = remove_partner(_admin_access(bootstrap_servers, admin_password, credentials, ca_file), name)
    typer.echo(f"revoked: {user}")


@cli.command("list-topics")
def list_topics() -> None:
    """Print the registry: name, partitions, key."""
    from shared.topics import ALL_TOPICS

    for spec in ALL_TOPICS:
        typer.echo(f"{spec.name}\t{spec.partitions}\t{spec.key}")


if __name__ == "__main__":
    cli()
