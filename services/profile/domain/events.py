"""The events a stored profile version produces: the internal one and the pseudonymised partner one."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from pydantic import BaseModel, ConfigDict

from shared.events import Envelope
from shared.schemas.profile import SENSITIVE_FRUSTRATIONS, ProfileIn, ProfileSubmitted
from shared.topics import PARTNER_EVENTS, PROFILE_SUBMITTED

SOURCE = "/services/profile"


class PartnerProfileSubmitted(BaseModel):
    """What partners may see: no name, email, city, discrimination answers or exact birth year."""

    model_config = ConfigDict(frozen=True)

    pseudonym: str
    version: int
    submitted_at: dt.datetime
    age_band: str
    highest_degree: str | None
    rome_code: str | None
    departement_id: str
    mobility_area: str
    project_kind: str
    search_started: bool
    frustrations: list[str]


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
    profile_id: str, version: int, profile: ProfileIn, now: dt.datetime, partner_key: str
) -> list[tuple[str, Envelope[Any]]]:
    """(topic, event) pairs to relay for one stored version, in order."""
    submitted = ProfileSubmitted(profile_id=profile_id, version=version, submitted_at=now, profile=profile)
    internal = Envelope.wrap(
        type=PROFILE_SUBMITTED.event_types[0], source=SOURCE, subject=profile_id, data=submitted, time=now
    )
    partner_data = partner_view(submitted, partner_key)
    partner = Envelope.wrap(
        type=PARTNER_EVENTS.event_types[0], source=SOURCE, subject=partner_data.pseudonym, data=partner_data, time=now
    )
    return [(PROFILE_SUBMITTED.name, internal), (PARTNER_EVENTS.name, partner)]
