"""Control-group assignment at sign-up (pure): a uniform draw derived from (seed, profile id), so anyone
holding the recorded seed can reproduce every person's group."""

from __future__ import annotations

import datetime as dt
import hashlib

from services.followup.domain.schedule import DAY, RELEASE_DAY
from shared.schemas.followup import Group, GroupAssigned


def draw(seed: str, profile_id: str) -> float:
    """Uniform in [0, 1): the first 8 bytes of SHA-256(seed:profile_id)."""
    digest = hashlib.sha256(f"{seed}:{profile_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(profile_id: str, signed_up_at: dt.datetime, seed: str, control_share: float) -> GroupAssigned:
    value = draw(seed, profile_id)
    return GroupAssigned(
        profile_id=profile_id,
        group=Group.CONTROL if value < control_share else Group.TREATED,
        seed=seed,
        control_share=control_share,
        draw=value,
        signed_up_at=signed_up_at,
        release_after=signed_up_at + RELEASE_DAY * DAY,
    )
