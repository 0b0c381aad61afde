"""What the followup service holds about a person, exported or erased on a privacy (GDPR) request, and what
the outbox relay must no longer send once they are erased.

Per person it keeps (see adapters/store.py): their `people` record (email, locale, profile features at
sign-up, trial group, survey state), one `decisions` document per survey sent or skipped and one for the
release of their advice, one `answers` document per survey step answered, one `training_examples` document per
labelled survey (profile features -> back at work or not), and, until relayed, the outbox entries of their
decisions and answers (a survey's entry holds the email, address included).

Every document of a person has a deterministic `_id` derived from the person id and a survey key, so both
handlers probe by `_id` (the one lookup FerretDB answers without a full scan) instead of querying by
`profile_id`. Synchronous: the privacy consumer runs them through run_sync."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo import UpdateOne

from services.followup.adapters.store import Doc, Store
from services.followup.domain.schedule import DAY, Survey
from shared.messaging.outbox import Outbox, Vet
from shared.mongo import MAX_WRITES_PER_COMMAND, as_utc, insert_ignoring_duplicates
from shared.schemas.followup import SurveyAnswered, SurveyKind
from shared.topics import REGISTRY, SURVEYS

STEPS = ("click", "form")
# `store.update_profile` applies a profile version only when it is newer than the stored one: an erased record
# claims the highest version, so a profile update consumed after the erasure cannot store the email again.
ERASED_VERSION = 2**62


def survey_keys(person: Doc | None, now: dt.datetime) -> list[str]:
    """Every survey the scheduler may have decided for the person by `now`: those it recorded as handled or
    answered, plus every survey whose window has opened (a decision is recorded before `handled` is updated,
    so a tick running concurrently may have written one that `handled` does not list yet)."""
    keys = {Survey(SurveyKind.FIRST_FOLLOWUP, 1).key}
    if person is None:
        return sorted(keys)
    keys |= set(person.get("handled") or ()) | set(person.get("answered") or ())
    signed_up_at = person.get("signed_up_at")
    if signed_up_at is not None:
        round_ = 1
        # One round past `now` too: another worker's clock may run slightly ahead.
        while signed_up_at + (Survey(SurveyKind.EMPLOYMENT_STATUS, round_).window_days[0] - 1) * DAY <= now:
            keys.add(Survey(SurveyKind.EMPLOYMENT_STATUS, round_).key)
            round_ += 1
    return sorted(keys)


def _found(store: Store, collection: str, ids: list[str]) -> list[Doc]:
    return [doc for i in ids if (doc := store.db[collection].find_one({"_id": i})) is not None]


def _decisions(store: Store, person_id: str, keys: list[str]) -> list[Doc]:
    return _found(store, "decisions", [f"{person_id}:{key}" for key in [*keys, "release"]])


def _answers(store: Store, person_id: str, keys: list[str]) -> list[Doc]:
    return _found(store, "answers", [f"{person_id}:{key}:{step}" for key in keys for step in STEPS])


def _training_examples(store: Store, person_id: str, keys: list[str]) -> list[Doc]:
    return _found(store, "training_examples", [f"{person_id}:{key}" for key in keys])


def _json(value: Any) -> Any:
    """BSON values as JSON values (the store's client is tz-aware; naive values are UTC anyway)."""
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def export_person(store: Store, person_id: str) -> dict[str, Any]:
    """The person's follow-up record, the surveys sent (or skipped) to them, their answers and the training
    examples made from them. The emails waiting in the outbox are left out: they hold signed links, which are
    credentials (answering, unsubscribing), and their text is the same template for everyone."""
    person = store.person(person_id)
    keys = survey_keys(person, dt.datetime.now(dt.UTC))
    exported: dict[str, Any] = _json({
        "person": person,
        "surveys": [_without_outbox(d) for d in _decisions(store, person_id, keys)],
        "answers": [_without_outbox(a) for a in _answers(store, person_id, keys)],
        "training_examples": _training_examples(store, person_id, keys),
    })
    return exported


def _without_outbox(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "outbox_entry"}


def _tombstone(person_id: str, now: dt.datetime) -> Doc:
    """Stands in for a person erased before their sign-up was consumed: `profile.submitted` is not ordered with
    `privacy.requests`, and `store.insert_people` keeps the document already there, so a late sign-up stores
    nothing. `due_at` None: the scheduler never looks at it."""
    return {"_id": person_id, "profile_version": ERASED_VERSION, "email": None, "erased_at": now, "due_at": None,
            "revision": 0, "handled": [], "answered": []}


def _redacted_person(person: Doc, now: dt.datetime) -> Doc:
    """What stays is not identifying once the email and the profile are gone, and is what the trial needs:
    the group and its draw, the sign-up time (cohorts), the survey state."""
    return {
        "email": None,
        "locale": None,
        "features": None,  # the profile at sign-up (birth year, degree, city, projects...)
        "search_started": None,
        "coaching": None,  # what the coaching rules read of the profile
        "plan_actions_left": None,
        "erased_at": person.get("erased_at") or now,
        "due_at": None,
        "profile_version": ERASED_VERSION,
    }


def _without_free_text(answer: SurveyAnswered) -> SurveyAnswered:
    if answer.form is None or answer.form.free_text is None:
        return answer
    return answer.model_copy(update={"form": answer.form.model_copy(update={"free_text": None})})


def redacted_records(records: list[Doc]) -> list[Doc]:
    """An erased person's events still to send: only the survey events (the figures are recomputed from that
    topic), answers without their free text. The email goes (it holds the address) and so does a release (the
    advice service erases the person anyway)."""
    kept = []
    for record in records:
        if record["topic"] != SURVEYS.name:
            continue
        event = REGISTRY.decode(record["value"].encode())
        if isinstance(event.data, SurveyAnswered):
            event = event.model_copy(update={"data": _without_free_text(event.data)})
            record = {**record, "value": event.to_json().decode()}
        kept.append(record)
    return kept


def vet(store: Store) -> Vet:
    """For the relay: an entry about a person erased after it was written (a tick that read the person just before
    the erasure records its decision just after) loses what the erasure would have taken from it."""

    def vetted(entry: Doc) -> list[Doc]:
        records: list[Doc] = entry["records"]
        person = store.person(records[0]["key"]) if records else None
        return records if person is None or person["erased_at"] is None else redacted_records(records)

    return vetted


def _redacted_answer(answer: Doc) -> Doc:
    """The answer keeps what the figures count (situation, seeking, scores, helped...): not identifying once
    the email and profile are gone and the person id leads to no account. Only the free text may say who
    they are, so it goes."""
    data = _without_free_text(SurveyAnswered.model_validate(answer["data"]))
    return {"data": data.model_dump(mode="json")}


def _redact_pending(outbox: Outbox, docs: list[Doc]) -> None:
    """The entries of these documents not relayed yet (relayed ones are gone, their email with them)."""
    for doc in docs:
        if "outbox_entry" not in doc:
            continue
        entry = outbox.collection().find_one({"_id": doc["outbox_entry"]})
        if entry is not None and (records := redacted_records(entry["records"])) != entry["records"]:
            outbox.collection().update_one({"_id": entry["_id"]}, {"$set": {"records": records}})


def _write(store: Store, collection: str, ops: list[UpdateOne]) -> None:
    for start in range(0, len(ops), MAX_WRITES_PER_COMMAND):
        store.db[collection].bulk_write(ops[start:start + MAX_WRITES_PER_COMMAND], ordered=False)


def erase_person(store: Store, outbox: Outbox, person_id: str, now: dt.datetime) -> dict[str, int]:
    """Marks the person erased (the scheduler, the survey links and unsubscribing then ignore them) and redacts
    every personal field of every followup document about them; training examples (profile features) are
    deleted. Idempotent: a replay finds everything redacted and writes nothing more.

    Kept for the figures: the person id (a random id that leads to no account once the profile service erased
    it), the trial group, the sign-up time, the surveys sent and the answers' situation codes, scores and
    one-click status. With the email, the profile and the free text gone, these identify nobody."""
    person = store.person(person_id)
    if person is None:
        insert_ignoring_duplicates(store.people, [_tombstone(person_id, now)])
        person = store.person(person_id)  # a sign-up stored meanwhile is redacted like any other
        assert person is not None
    redacted = _redacted_person(person, now)
    if any(person.get(field) != value for field, value in redacted.items()):
        # `revision` tells a scheduler tick planned from an older read not to set `due_at` again.
        store.people.update_one({"_id": person_id}, {"$set": redacted, "$inc": {"revision": 1}})

    keys = survey_keys(person, now)
    decisions = _decisions(store, person_id, keys)
    answers = _answers(store, person_id, keys)
    _redact_pending(outbox, decisions + answers)
    _write(store, "answers", [
        UpdateOne({"_id": a["_id"]}, {"$set": changes})
        for a, changes in ((a, _redacted_answer(a)) for a in answers)
        if any(a.get(k) != v for k, v in changes.items())
    ])
    examples = [doc["_id"] for doc in _training_examples(store, person_id, keys)]
    # One delete by `_id` each, an index search.
    deleted = sum(store.training_examples.delete_one({"_id": e}).deleted_count for e in examples)
    return {
        "people": 1 if person.get("signed_up_at") is not None else 0,
        "decisions": len(decisions),
        "answers": len(answers),
        "training_examples": deleted,
    }
