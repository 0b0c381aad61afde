"""The events a stored profile version produces: the internal one and the pseudonymised partner one."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from shared.messaging.factory import EventFactory, Outgoing
from shared.schemas.partner import PartnerProfileSubmitted
from shared.schemas.profile import SENSITIVE_FRUSTRATIONS, ProfileIn, ProfileSubmitted
from shared.topics import PARTNER_EVENTS, PROFILE_SUBMITTED

(SUBMITTED,) = PROFILE_SUBMITTED.event_types
(PARTNER_SUBMITTED,) = PARTNER_EVENTS.event_types


def pseudonym(profile_id: str, key: str) -> str:
    """Stable per person for a partner, irreversible without the key."""
    return hmac.new(key.encode(), profile_id.encode(), hashlib.sha256).hexdigest()[:32]


def _age_band(age: int) -> str:
    for upper, label in ((25, "<25"), (35, "25-34"), (45, "35-44"), (55, "45-54")):
        if age < upper:
            return label
    return "55+"


def partner_view(submitted: ProfileSubmitted, key: str) -> PartnerProfileSubmitted:
    profile = submitted.profile
    project = profile.main_project
    return PartnerProfileSubmitted(
        pseudonym=pseudonym(submitted.profile_id, key),
        version=submitted.version,
        submitted_at=submitted.submitted_at,
        age_band=_age_band(profile.age(submitted.submitted_at.date())),
        highest_degree=profile.highest_degree,
        rome_code=project.target_job.rome_code if project.target_job else None,
        departement_id=project.city.departement_id,
        mobility_area=project.mobility_area,
        project_kind=project.kind,
        search_started=not project.job_search_has_not_started and project.job_search_started_at is not None,
        frustrations=[f.value for f in profile.frustrations if f not in SENSITIVE_FRUSTRATIONS],
    )


def events_for_version(
    factory: EventFactory, profile_id: str, version: int, profile: ProfileIn, now: dt.datetime, partner_key: str,
    data_key: bytes,
) -> list[Outgoing]:
    """The (topic, event) pairs of one stored version, in order: the internal one sealed with `data_key` (the
    person's), the partner one minimised. Their ids derive from the version, so storing the same version again
    yields the same events (sealed anew: a replay's bytes differ, its id does not)."""
    submitted = ProfileSubmitted(profile_id=profile_id, version=version, submitted_at=now, profile=profile)
    partner = partner_view(submitted, partner_key)
    entity = f"{profile_id}:{version}"
    return [
        factory.event(SUBMITTED, profile_id, submitted.sealed(data_key), entity=entity, time=now),
        factory.event(PARTNER_SUBMITTED, partner.pseudonym, partner, entity=entity, time=now),
    ]
