"""The `profile.submitted` consumer: version 1 creates the person and their trial assignment (emitted on
`followup.assignments`); later versions update what the schedule depends on (search started, email, locale)."""

from __future__ import annotations

from typing import Any

from services.followup.adapters.store import Store
from services.followup.config import FollowupSettings
from services.followup.domain.assignment import assign
from services.followup.domain.coaching.catalogue import RELEVANT_FRUSTRATIONS, CoachingProfile
from shared.crypto.keystore import PersonKeys
from shared.messaging.consumer import Consumer, Output
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.mongo import run_sync
from shared.schemas.followup import GroupAssigned
from shared.schemas.profile import ProfileIn, ProfileSubmitted, SealedProfileSubmitted
from shared.topics import PROFILE_SUBMITTED

# Personal details kept out of the training features.
NOT_FEATURES = {"email", "name"}


def coaching_profile(profile: ProfileIn) -> CoachingProfile:
    """What the coaching rules read, and no more (no discrimination answer: only the frustrations a focus
    answers)."""
    project = profile.main_project
    return CoachingProfile(
        frustrations=frozenset(profile.frustrations) & RELEVANT_FRUSTRATIONS,
        search_started_on=project.job_search_started_at, network=project.network_estimate,
        has_resume=project.has_resume, training=project.training_fulfillment,
        challenge_guess=profile.self_diagnosis.challenge if profile.self_diagnosis else None,
        has_target_job=project.target_job is not None,
    )


def tracked(profile: ProfileIn) -> dict[str, Any]:
    """The fields the schedules depend on; unknown search state counts as started. The latest version's values
    apply at the next plan (a frequency changed in the profile included)."""
    return {
        "email": str(profile.email) if profile.email else None,
        "locale": profile.locale,
        "search_started": not profile.main_project.job_search_has_not_started,
        "coaching_emails": profile.coaching_emails.value,
        "coaching": coaching_profile(profile).to_doc(),
    }


def new_person(data: ProfileSubmitted, assignment: GroupAssigned) -> dict[str, Any]:
    return {
        "_id": data.profile_id,
        "signed_up_at": data.submitted_at,
        "profile_version": data.version,
        **tracked(data.profile),
        "group": assignment.group.value,
        "assignment": assignment.model_dump(mode="json"),
        "features": data.profile.model_dump(mode="json", exclude=NOT_FEATURES),
        "unsubscribed_at": None,
        "coaching_unsubscribed_at": None,
        "coaching_last_at": None,
        "erased_at": None,
        "last_status_at": None,
        "stopped_seeking": False,
        "handled": [],
        "answered": [],
        "released_at": None,
        "revision": 0,
        "due_at": data.submitted_at,
    }


class Signups(Consumer[SealedProfileSubmitted]):
    """Opens each profile (with its email: the surveys go to it) with the person's data key; a person whose key
    is gone (erased) is skipped."""

    name = "followup"
    topic = PROFILE_SUBMITTED

    def __init__(self, store: Store, settings: FollowupSettings, factory: EventFactory, keys: PersonKeys) -> None:
        self.store = store
        self.settings = settings
        self.factory = factory
        self.keys = keys
        self.batch_size = settings.batch_size
        self.within = settings.batch_within_seconds

    async def handle(self, events: list[Envelope[SealedProfileSubmitted]]) -> Output:
        keys = await self.keys.lookup(e.data.profile_id for e in events)
        opened = [(e, e.data.opened(keys[e.data.profile_id], with_contact=True))
                  for e in events if e.data.profile_id in keys]
        # The draw is a pure function of (seed, profile id): a replayed sign-up re-emits the same group under
        # the same event id, and the stores keep the first one written, so a group never changes.
        signups = {data.profile_id: (e, data) for e, data in opened if data.version == 1}
        assignments = [
            (assign(pid, data.submitted_at, self.settings.assignment_seed, self.settings.control_share), e, data)
            for pid, (e, data) in signups.items()
        ]
        fresh = [new_person(data, a) for a, _, data in assignments]
        updates = sorted((data for _, data in opened if data.version > 1), key=lambda d: d.version)

        async def store() -> int:
            replays = await run_sync(self.store.insert_people, fresh)
            for data in updates:
                await run_sync(self.store.update_profile, data.profile_id, data.version, tracked(data.profile),
                               data.submitted_at)
            return replays

        assigned = [
            self.factory.event("followup.assigned", a.profile_id, a, entity=f"assigned:{a.profile_id}",
                               time=a.signed_up_at, cause=e)
            for a, e, _ in assignments
        ]
        return Output(events=assigned, store=store)
