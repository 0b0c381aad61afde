"""The database access table (shared/database_access.py) against the code, and passwords kept out of what is shown."""

from __future__ import annotations

import logging
import re
import sys

import pytest
from pydantic import ValidationError

from deploy.local.paths import REPO
from shared.database_access import ACCESS, ADMIN, KEYS_DB, REFERENTIAL_DB, grants, redact, roles, with_user
from shared.logs import JsonFormatter
from tests.unit.deploy.test_compose import _settings_class

SECRET = "pa$s:w/ord@1"


def _source(service: str) -> str:
    return "\n".join(p.read_text() for p in sorted((REPO / "services" / service).rglob("*.py")))


@pytest.mark.parametrize("service", sorted(ACCESS))
def test_the_table_matches_what_each_service_opens(service: str) -> None:
    code, rights = _source(service), ACCESS[service]
    assert rights[_settings_class(service)().mongo_db] == "readWrite", "its own database"
    assert ("connect_referential(" in code) == (REFERENTIAL_DB in rights)
    assert rights.get(REFERENTIAL_DB) in (None, "read"), "the referential is written by the admin's imports only"
    opens_keys = re.search(r"person_keys\(|KeyReader\(", code) is not None
    writes_keys = "KeyStore(" in code
    assert rights.get(KEYS_DB) == ("readWrite" if writes_keys else "read" if opens_keys else None)


def test_grants_and_roles_come_from_the_table() -> None:
    assert grants()[ADMIN] == {"*": "readWrite"}
    assert {user: dbs for user, dbs in grants().items() if user != ADMIN} == ACCESS
    assert roles("diagnosis") == [{"role": "readWrite", "db": "bob_diagnosis"}, {"role": "read", "db": KEYS_DB},
                                  {"role": "read", "db": REFERENTIAL_DB}]
    assert [db for db, right in ACCESS["profile"].items() if right == "readWrite"] == ["bob_profile", KEYS_DB]


def test_a_url_carries_the_user_quoted_and_redact_hides_the_password() -> None:
    url = with_user("mongodb://127.0.0.1:27017", "advice", SECRET)
    assert url == ("mongodb://advice:pa%24s%3Aw%2Ford%401@127.0.0.1:27017/"
                   "?authSource=admin&authMechanism=SCRAM-SHA-256")
    shown = redact(f"cannot reach {url}; retrying postgres://u:p@db/x")
    assert shown == ("cannot reach mongodb://advice:***@127.0.0.1:27017/?authSource=admin&authMechanism=SCRAM-SHA-256;"
                     " retrying postgres://u:***@db/x")


def test_logs_never_show_a_connection_string_password() -> None:
    url = with_user("mongodb://mongo:27017", "followup", SECRET)
    try:
        raise ConnectionError(f"no server at {url}")
    except ConnectionError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "connecting to %s", (url,), sys.exc_info())
    line = JsonFormatter("followup").format(record)
    assert "pa%24s" not in line
    assert "followup:***@mongo" in line


def test_settings_keep_the_url_out_of_repr_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    settings_class = _settings_class("advice")
    url = with_user("mongodb://mongo:27017", "advice", SECRET)
    assert "pa%24s" not in repr(settings_class(mongo_url=url))
    monkeypatch.setenv("ADVICE_ENVIRONMENT", "prod")
    monkeypatch.setenv("ADVICE_MONGO_URL", url)
    with pytest.raises(ValidationError) as error:
        settings_class()  # no signing key: refused, without echoing what it was given
    assert "pa%24s" not in str(error.value)

