"""Who may use which MongoDB database, and how: one table, from which everything else is generated.

- FerretDB (local): the grants file its wrapper reads at start (`deploy/ferretdb/main.go -grants`), since FerretDB
  1.24 keeps users (SCRAM-SHA-256) but has no roles; `deploy/local/platform.py` writes it and creates the users.
- MongoDB (docker-compose): real roles, `readWrite` or `read` on each database, given by `provision`
  (`python -m shared.database_access provision`, the compose init job).
- Each service's connection URL: its own user, authenticated against `admin`.

Each service reads and writes its own database `bob_<service>`. The referential (`bob_referential`) is read by the
services that look job titles and markets up, and written only by the seed and the importers, run as the admin.
The person key store (`bob_keys`, shared/crypto/keystore.py) is written by profile alone (it creates and destroys
the keys) and read by the services that open sealed events (partners too: it opens them to build its feeds). The
admin (`ADMIN`) has every right and does setup only: users, seeding, the tests' checks."""

from __future__ import annotations

import os
import re
import secrets
from typing import Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

import pymongo
import typer
from pymongo.errors import OperationFailure
from tenacity import retry, stop_after_delay, wait_fixed

Right = Literal["read", "readWrite"]

ADMIN = "admin"
AUTH_SOURCE = "admin"  # every user lives in the admin database, as MongoDB's root does
MECHANISM = "SCRAM-SHA-256"  # FerretDB 1.24 also offers SCRAM-SHA-1; we create SHA-256 credentials only
EVERY_DATABASE = "*"
KEYS_DB = "bob_keys"
REFERENTIAL_DB = "bob_referential"

# The one table: service -> {database: right}.
ACCESS: dict[str, dict[str, Right]] = {
    "profile": {"bob_profile": "readWrite", KEYS_DB: "readWrite", REFERENTIAL_DB: "read"},
    "diagnosis": {"bob_diagnosis": "readWrite", KEYS_DB: "read", REFERENTIAL_DB: "read"},
    "advice": {"bob_advice": "readWrite", KEYS_DB: "read"},
    "pledges": {"bob_pledges": "readWrite", KEYS_DB: "read"},
    "followup": {"bob_followup": "readWrite", KEYS_DB: "read"},
    "notifier": {"bob_notifier": "readWrite", KEYS_DB: "read"},
    "partners": {"bob_partners": "readWrite", KEYS_DB: "read"},
}

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@/\s]*)@", re.I)


def grants() -> dict[str, dict[str, str]]:
    """The FerretDB grants file's content: every service's rights, and every right for the admin."""
    return {ADMIN: {EVERY_DATABASE: "readWrite"}, **{service: dict(dbs) for service, dbs in ACCESS.items()}}


def roles(service: str) -> list[dict[str, str]]:
    """The service's MongoDB roles (built-in `read` / `readWrite` on each of its databases)."""
    return [{"role": right, "db": db} for db, right in sorted(ACCESS[service].items())]


def new_password() -> str:
    """URL-safe, so it can stand in a connection string as it is."""
    return secrets.token_urlsafe(24)


def with_user(url: str, user: str, password: str) -> str:
    """`url` (no credentials) as `user`, authenticated against the admin database with SCRAM-SHA-256."""
    parts = urlsplit(url)
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.netloc.rsplit('@', 1)[-1]}"
    query = "&".join(q for q in [parts.query, f"authSource={AUTH_SOURCE}&authMechanism={MECHANISM}"] if q)
    return urlunsplit((parts.scheme, netloc, parts.path or "/", query, parts.fragment))


def redact(text: str) -> str:
    """Every password of a connection string in `text` replaced by `***` (for logs and error messages)."""
    return _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def password_of(url: str) -> str | None:
    return urlsplit(url).password


def _is_ferretdb(client: pymongo.MongoClient[dict[str, Any]]) -> bool:
    return "ferretdbVersion" in client.admin.command("buildInfo")


def provision(admin_url: str, passwords: dict[str, str]) -> None:
    """Create each service's user, or reset its password and roles (idempotent). On FerretDB the users get no
    roles (it accepts none): its grants file holds the rights."""
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(admin_url, serverSelectionTimeoutMS=5_000) as client:
        ferretdb = _is_ferretdb(client)
        existing = {u["user"] for u in client.admin.command("usersInfo")["users"]}
        for service, password in passwords.items():
            granted = [] if ferretdb else roles(service)
            if service in existing:
                client.admin.command("updateUser", service, pwd=password, roles=granted, mechanisms=[MECHANISM])
            else:
                client.admin.command("createUser", service, pwd=password, roles=granted, mechanisms=[MECHANISM])


cli = typer.Typer(add_completion=False, no_args_is_help=True)


@cli.command("provision")
def provision_command(
    admin_url: str = typer.Option(..., envvar="BOB_MONGO_URL", help="the admin's connection string"),
) -> None:
    """Every service's user, with its password from BOB_MONGO_<SERVICE>_PASSWORD (waits up to 2 min)."""
    passwords = {}
    for service in ACCESS:
        password = os.environ.get(f"BOB_MONGO_{service.upper()}_PASSWORD")
        if not password:
            raise typer.BadParameter(f"no password for {service}: set BOB_MONGO_{service.upper()}_PASSWORD")
        passwords[service] = password
    try:
        retry(stop=stop_after_delay(120), wait=wait_fixed(2), reraise=True)(provision)(admin_url, passwords)
    except OperationFailure as exc:
        raise typer.BadParameter(redact(str(exc))) from None
    typer.echo(f"database users: {', '.join(passwords)}")


if __name__ == "__main__":
    cli()
