"""Grant a role that nobody can ask for (operator, partner): `python -m services.profile.accounts grant EMAIL ROLE`.

The person then signs in by magic link as usual; their tokens carry the role from the next sign-in or refresh."""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console

from services.profile.accounts import store
from services.profile.config import ProfileSettings
from shared.auth.tokens import Role
from shared.mongo import connect

cli = typer.Typer(add_completion=False, no_args_is_help=True)
console = Console()


@cli.command()
def grant(email: str, role: Role) -> None:
    """Give ROLE to the account of EMAIL (created if needed)."""
    settings = ProfileSettings()
    connect(settings.mongo_url, settings.mongo_db)
    account = store.add_role(store.find_or_create(email, dt.datetime.now(dt.UTC)), role.value)
    console.print(f"{account['email']} ({account['_id']}): {', '.join(sorted(account['roles']))}")


@cli.command()
def revoke(email: str, role: Role) -> None:
    """Take ROLE away from the account of EMAIL."""
    settings = ProfileSettings()
    connect(settings.mongo_url, settings.mongo_db)
    account = store.find_by_email(email)
    if account is None:
        raise typer.BadParameter(f"no account for {email}")
    store.accounts().update_one({"_id": account["_id"]}, {"$pull": {"roles": role.value}})
    console.print(f"{account['email']}: {role.value} revoked")


if __name__ == "__main__":
    cli()
