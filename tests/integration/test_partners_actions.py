"""Action plans in the partners' feeds, on the real database and a real webhook receiver: an action marked done
or stuck reaches a partner as `partner.action-progressed` with the plan's counts only; nothing says which strategy
or action, nor the note, nor the date."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from services.partners.domain import feed
from services.partners.domain.partner import SCOPES, Registration
from services.partners.entrypoints.worker import Actions
from services.partners.service import http_client
from shared.crypto.keystore import person_keys
from shared.messaging.factory import EventFactory
from shared.schemas.engagement import ActionState, PlanChanged, PlanDetail, Progress
from tests.integration.partners_support import NOW, Clock, Receiver, deliver_all, partners_deps, receiving
from tests.support import ensure_person_key, scratch_db, use_key_store

pytestmark = [pytest.mark.integration]

ADVICE = EventFactory("advice", "https://bob.example")


@pytest.fixture
def db(mongo_url: str) -> Iterator[str]:
    use_key_store(mongo_url)
    with scratch_db(mongo_url, "partners_actions") as name:
        yield name


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def test_an_action_done_or_stuck_reaches_a_partner_as_counts_only(
    mongo_url: str, db: str, receiver: Receiver
) -> None:
    clock = Clock()
    deps = partners_deps(mongo_url, db, clock)
    made = deps.partners.register(Registration(
        name="acme", title="acme org", contact="acme@partner.example", scopes=list(SCOPES), kafka=False,
        webhook_url=receiver.url), clock())
    assert made.webhook_secret is not None
    receiver.secrets.append(made.webhook_secret)
    person = uuid.uuid4().hex
    key = ensure_person_key(person)
    stuck = PlanChanged(
        profile_id=person, revision=3, occurred_at=NOW, state=ActionState.STUCK, target_date=dt.date(2026, 6, 9),
        progress=Progress(total=3, done=1, stuck=1),
        detail=PlanDetail(strategy_id="get-support", action_id="handicap-rights", module_id="needs-for-handicap",
                          note="mon dossier MDPH traîne"),
    )
    event = ADVICE.event("action.stuck", person, stuck.sealed(key, "action.stuck"), entity=f"{person}:3").event

    async def flow() -> None:
        output = await Actions(deps, person_keys(deps.settings)).handle([event])
        await output.store()
        async with http_client(deps.settings) as client:
            await deliver_all(deps, clock, client)

    asyncio.run(flow())

    [delivered] = receiver.firsts()
    assert delivered.data["type"] == feed.ACTION
    assert delivered.data["data"] == {
        "pseudonym": delivered.data["data"]["pseudonym"], "day": "2026-06-01", "state": "stuck", "total": 3,
        "done": 1, "stuck": 1,
    }
    body = delivered.body.decode()
    for hidden in (person, "get-support", "handicap", "MDPH", "2026-06-09", "09:30"):
        assert hidden not in body
