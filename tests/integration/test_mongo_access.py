"""FerretDB authenticates every command (SCRAM-SHA-256) and each service's user reaches only the databases
shared/database_access.py grants it: every service's credentials tried against every service's database."""

from __future__ import annotations

import functools
import stat
import uuid
from collections.abc import Iterator
from typing import Any

import pymongo
import pytest
from pymongo.collection import Collection
from pymongo.errors import OperationFailure

from deploy.local.platform import Platform
from shared.database_access import ACCESS, ADMIN, with_user
from tests.conftest import Infra

Client = pymongo.MongoClient[dict[str, Any]]
UNAUTHORIZED, AUTHENTICATION_FAILED = 13, 18
DATABASES = sorted({db for dbs in ACCESS.values() for db in dbs})
PROBE = f"access_probe_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def secured(infra: Infra) -> Platform:
    """The project's own FerretDB: the only database server the suite secures (see tests/conftest.py)."""
    if infra.platform is None:
        pytest.skip("the database under test is not the project's own FerretDB")
    return infra.platform


@pytest.fixture(scope="module")
def clients(secured: Platform) -> Iterator[dict[str, Client]]:
    """One client per service, as it connects (its URL from service_env), and the admin's."""
    urls = {service: secured.service_env(service)[f"{service.upper()}_MONGO_URL"] for service in ACCESS}
    made: dict[str, Client] = {
        user: pymongo.MongoClient(url, serverSelectionTimeoutMS=5_000)
        for user, url in (urls | {ADMIN: secured.config.mongo_url}).items()
    }
    yield made
    for db in DATABASES:
        made[ADMIN][db].drop_collection(PROBE)
    for client in made.values():
        client.close()


def refused(action: Any, code: int = UNAUTHORIZED) -> bool:
    """Whether the server refused the action, with this error code."""
    try:
        action()
    except OperationFailure as exc:
        return exc.code == code or pytest.fail(f"refused with another code: {exc.details}")
    return False


def test_without_credentials_every_command_is_refused(secured: Platform) -> None:
    client: Client
    with pymongo.MongoClient(f"mongodb://127.0.0.1:{secured.config.mongo_port}",
                             serverSelectionTimeoutMS=5_000) as client:
        assert client.admin.command("ping")["ok"] == 1  # the handshake and ping stay open, as on MongoDB
        for db in DATABASES:
            coll: Collection[dict[str, Any]] = client[db][PROBE]
            assert refused(coll.find_one)
            assert refused(functools.partial(coll.insert_one, {"_id": "anonymous"}))


@pytest.mark.parametrize("user", [ADMIN, "profile", "nobody"])
def test_a_wrong_password_is_refused(secured: Platform, user: str) -> None:
    url = with_user(f"mongodb://127.0.0.1:{secured.config.mongo_port}", user, "not-the-password")
    client: Client
    with pymongo.MongoClient(url, serverSelectionTimeoutMS=5_000) as client:
        assert refused(lambda: client.bob_profile[PROBE].find_one(), AUTHENTICATION_FAILED)


@pytest.mark.parametrize("service", sorted(ACCESS))
@pytest.mark.parametrize("db", DATABASES)
def test_each_service_reaches_only_what_the_table_grants(clients: dict[str, Client], service: str, db: str) -> None:
    right = ACCESS[service].get(db)
    coll = clients[service][db][PROBE]
    doc_id = f"{service}-{uuid.uuid4().hex}"
    clients[ADMIN][db][PROBE].insert_one({"_id": f"seen-by-{doc_id}"})
    assert refused(lambda: coll.find_one({"_id": f"seen-by-{doc_id}"})) == (right is None)
    wrote = not refused(lambda: coll.insert_one({"_id": doc_id}))
    assert wrote == (right == "readWrite")
    assert refused(lambda: coll.delete_one({"_id": f"seen-by-{doc_id}"})) == (right != "readWrite")
    assert (clients[ADMIN][db][PROBE].find_one({"_id": doc_id}) is not None) == wrote


@pytest.mark.parametrize("service", sorted(ACCESS))
def test_a_service_manages_no_user_and_lists_no_database(clients: dict[str, Client], service: str) -> None:
    client = clients[service]
    own = next(db for db, right in ACCESS[service].items() if right == "readWrite" and db.endswith(service))
    assert refused(lambda: client[own].command("createUser", ADMIN, pwd="x", roles=[]))
    assert refused(lambda: client.admin.command("createUser", "intruder", pwd="x", roles=[]))
    assert refused(lambda: client.admin.command("updateUser", service, pwd="x"))
    assert refused(lambda: client.list_database_names())


def test_the_admin_reaches_every_database(clients: dict[str, Client]) -> None:
    for db in DATABASES:
        clients[ADMIN][db][PROBE].insert_one({"_id": f"admin-{uuid.uuid4().hex}"})
    assert set(DATABASES) <= set(clients[ADMIN].list_database_names())


def test_each_service_gets_its_own_user_and_the_credentials_stay_private(secured: Platform) -> None:
    for service in ACCESS:
        url = secured.service_env(service)[f"{service.upper()}_MONGO_URL"]
        assert url.startswith(f"mongodb://{service}:")
    assert stat.S_IMODE(secured.config.mongo_credentials_file.stat().st_mode) == 0o600
