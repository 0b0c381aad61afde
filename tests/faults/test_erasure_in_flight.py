"""An erasure while the person's events are in flight: under the load, people sign in, submit a profile and at once
erase their account, so the erasure request races their profile, diagnosis and advice events through the workers.
Once every service answered and the workers are idle, nothing about them may be left nor re-created after."""

from __future__ import annotations

import functools
import time
import uuid
from dataclasses import dataclass

import httpx

from shared.messaging.acls import subscriptions
from shared.messaging.envelope import any_event
from shared.schemas.privacy import SERVICES
from shared.topics import PRIVACY_ANSWERS
from tests.faults.bench import LONG, Bench, assert_whole
from tests.faults.load import Load
from tests.faults.traces import idle, places_mentioning
from tests.scale_support import a_profile
from tests.support import access_token, bearer, read_topic, sign_in, unique_email, wait_for

PEOPLE = 12 if LONG else 4
GROUPS = sorted(subscriptions())  # every service's worker
# What keeps an erased person's id (never their email nor name), by collection, and why:
KEEPS_THE_ID = {
    # The account's tombstone (email and roles emptied, `erased_at`): its tokens are refused, its id never reused.
    "bob_profile.accounts",
    # The erasure request itself (answers counted; a retried DELETE is the same request).
    "bob_profile.privacy_requests",
    # Erasure markers, so that the person's events still in flight store nothing: the followup record claims the
    # highest profile version, the advice trial's gate state is replaced by `erased_at`, a diagnosis or advice
    # stored after the erasure is dropped, the pledges matcher ends a review stored after it, the notifier skips a
    # late email to them.
    "bob_followup.people",
    "bob_advice.experiment_assignments",
    "bob_diagnosis.erased_people",
    "bob_advice.erased_people",
    "bob_pledges.unsubscribed",
    "bob_notifier.unsubscribed",
    # The notifier's decision on each notification for them (its idempotency record; the erasure skips the pending
    # ones and empties them, a late one is recorded skipped), and pledges' history of the events it sent (their
    # mails sealed with the destroyed key, emptied by the erasure).
    "bob_notifier.notifications",
    "bob_pledges.outbox_archive",
}


@dataclass
class Person:
    id: str
    email: str  # their account's address
    name: str
    profile_email: str  # the address in their profile
    request_id: str = ""

    @property
    def needles(self) -> list[str]:
        return [self.email, self.name, self.profile_email]


def erased_by_every_service(bench: Bench, request_ids: set[str]) -> bool:
    done: dict[str, set[str]] = {r: set() for r in request_ids}
    for record in read_topic(bench.kafka, PRIVACY_ANSWERS.name):
        if b"privacy.erasure.completed" in record.value:
            data = any_event(record.value).data
            if data["request_id"] in done:
                done[data["request_id"]].add(data["service"])
    return all(services >= set(SERVICES) for services in done.values())


def test_an_erasure_while_the_persons_events_are_in_flight(bench: Bench) -> None:
    config = bench.platform.config
    people: list[Person] = []

    def fault(load: Load) -> str:
        with httpx.Client(base_url=config.gateway_url, timeout=30) as client:
            signed_in = []
            for _ in range(PEOPLE):
                email, tag = unique_email("erased-in-flight"), uuid.uuid4().hex[:10]
                tokens = sign_in(client, config.maildir, email)
                person = Person(tokens["account"]["account_id"], email, f"Effacé En-Vol {tag}",
                                f"profile-{tag}@example.org")
                signed_in.append((person, bearer(tokens["access_token"])))
            # Submitted then erased back to back: the erasure is on its way while the profile's events are.
            for person, me in signed_in:
                profile = {**a_profile(1980), "name": person.name, "email": person.profile_email}
                submitted = client.post("/api/v1/profiles", json=profile, headers=me)
                assert submitted.status_code == 201, submitted.text
                erased = client.delete("/api/v1/accounts/me", headers=me)
                assert erased.status_code == 202, erased.text
                person.request_id = erased.json()["request_id"]
                people.append(person)
        wait_for("every erasure completed by every service",
                 lambda: erased_by_every_service(bench, {p.request_id for p in people}), timeout=300, every=2)
        return f"{PEOPLE} erased in flight"

    row = bench.run("erasure with the person's events in flight", fault)
    assert_whole(row)

    # The workers are idle: whatever was in flight about these people has been handled (or skipped).
    for group in GROUPS:
        wait_for(f"{group} has no lag", functools.partial(idle, bench.kafka, group), timeout=300, every=2)

    ids = {p.id for p in people}
    needles = [n for p in people for n in p.needles] + sorted(ids)

    def recreated() -> dict[str, list[str]]:
        left = places_mentioning(config.mongo_url, needles)
        personal = {needle: places for needle, places in left.items() if needle not in ids}
        assert personal == {}, f"an erased person's email or name is still stored: {personal}"
        return {p: sorted(left.get(p, set()) - KEEPS_THE_ID) for p in ids}

    # An outbox entry whose state the erasure deleted first (pledges: an offer decided meanwhile) is an orphan the
    # relay drops after ORPHAN_AGE (a minute): looked at again until then.
    deadline = time.monotonic() + 240
    while any((found := recreated()).values()) and time.monotonic() < deadline:
        time.sleep(10)
    assert not any(found.values()), f"re-created after the erasure: {found}"
    with httpx.Client(base_url=config.gateway_url, timeout=30) as client:
        for person in people:
            for result in ("diagnosis", "advice"):
                answer = client.get(f"/api/v1/profiles/{person.id}/{result}", headers=bearer(access_token(person.id)))
                assert answer.status_code == 404 or answer.json()["status"] != "ready", (result, answer.text)
    row.note = f"{row.note}, nothing left but their erasure markers"
