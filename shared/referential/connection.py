"""The mongoengine alias every referential Document uses, and how to register it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import mongoengine  # type: ignore[import-untyped]

REFERENTIAL_ALIAS = "referential"
DEFAULT_DB_NAME = "bob_referential"
DEFAULT_MONGO_URL = "mongodb://127.0.0.1:27017"
MONGO_URL_ENV = "BOB_MONGO_URL"


def without_database(url: str) -> str:
    """The URL minus its "/database" path (mongoengine would prefer it to `db`), keeping it as authSource."""
    parts = urlsplit(url)
    database = parts.path.strip("/")
    if not database:
        return url
    query = parse_qsl(parts.query)
    if not any(key == "authSource" for key, _ in query):
        query.append(("authSource", database))
    return urlunsplit((parts.scheme, parts.netloc, "/", urlencode(query), parts.fragment))


def connect_referential(url: str, db: str = DEFAULT_DB_NAME) -> None:
    """Registers (or re-registers) the "referential" alias on database `db` at `url`."""
    # Re-registering lets tests and the CLI switch databases within one process.
    mongoengine.disconnect(alias=REFERENTIAL_ALIAS)
    mongoengine.connect(db=db, host=without_database(url), alias=REFERENTIAL_ALIAS, uuidRepresentation="standard")


def disconnect_referential() -> None:
    mongoengine.disconnect(alias=REFERENTIAL_ALIAS)
