"""Varied, valid profiles for benchmarks, drawn from the demo seed's job groups and départements, and the
`profile.submitted` events the profile service would emit for them (sealed)."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from shared.crypto.cipher import new_key
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.referential.seed_files import SEED_DIR, read_seed
from shared.schemas.profile import (
    AreaType,
    Degree,
    Frequency,
    Frustration,
    PassionLevel,
    ProfileIn,
    ProfileSubmitted,
    SealedProfileSubmitted,
    Seniority,
    TrainingFulfillment,
)

PROFILE_EVENTS = EventFactory("profile", "http://127.0.0.1:8000")


def random_profile(rng: random.Random, rome_codes: list[str], departements: list[str]) -> ProfileIn:
    today = dt.date.today()
    started = rng.random() > 0.15
    return ProfileIn.model_validate({
        "email": f"bench-{uuid.UUID(int=rng.getrandbits(128)).hex[:12]}@example.org",
        "year_of_birth": rng.randint(today.year - 64, today.year - 18),
        "highest_degree": rng.choice(list(Degree)),
        "has_driving_licence": rng.random() > 0.3,
        "frustrations": rng.sample(list(Frustration), rng.randint(0, 3)),
        "projects": [{
            "target_job": {"rome_code": rng.choice(rome_codes)} if rng.random() > 0.05 else None,
            "city": {"name": "Ville", "departement_id": rng.choice(departements)},
            "mobility_area": rng.choice(list(AreaType)),
            "seniority": rng.choice(list(Seniority)),
            "training_fulfillment": rng.choice(list(TrainingFulfillment)),
            "job_search_has_not_started": not started,
            "job_search_started_at": (today - dt.timedelta(days=rng.randint(0, 700))).isoformat() if started else None,
            "weekly_applications": rng.choice(list(Frequency)),
            "weekly_offers": rng.choice(list(Frequency)),
            "total_interview_count": rng.randint(0, 20),
            "network_estimate": rng.randint(1, 3),
            "passion_level": rng.choice(list(PassionLevel)),
            "has_clear_project": rng.random() > 0.05,
        }],
    })


def personas(n: int, seed: int = 7) -> list[ProfileIn]:
    bundled = read_seed(SEED_DIR)
    rome_codes = sorted(group.rome_code for group in bundled.job_groups)
    departements = sorted(dep.departement_id for dep in bundled.departements)
    rng = random.Random(seed)
    return [random_profile(rng, rome_codes, departements) for _ in range(n)]


def submitted_events(profiles: list[ProfileIn], now: dt.datetime, keys: dict[str, bytes]
                     ) -> list[Envelope[SealedProfileSubmitted]]:
    """Version 1 of each profile, under a fresh profile id, sealed with a fresh data key (added to `keys`: the
    caller stores them where the consumers look), each event starting its own trace."""
    events = []
    for profile in profiles:
        profile_id = uuid.uuid4().hex
        key = keys.setdefault(profile_id, new_key())
        data = ProfileSubmitted(profile_id=profile_id, version=1, submitted_at=now, profile=profile).sealed(key)
        events.append(PROFILE_EVENTS.event("profile.submitted", profile_id, data, entity=f"{profile_id}:1").event)
    return events
