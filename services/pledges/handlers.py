"""What the worker does with each batch of events (service layer, called from the Faust agents)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.pledges import matcher, offers
from services.pledges.config import PledgesSettings
from services.pledges.domain.kinds import REVIEWED_KIND, DocumentKind, PledgeKind
from services.pledges.domain.offers import kinds_for_advice, kinds_for_frustrations
from shared.events import Envelope
from shared.schemas.advice import AdviceGenerated
from shared.schemas.diagnosis import DiagnosisCompleted
from shared.schemas.pledges import DocumentUploaded, HelperChanged, ReviewChanged


def kinds_to_match(events: list[Envelope[Any]]) -> set[PledgeKind]:
    """Which kinds a batch of pledges events may have made matchable."""
    kinds: set[PledgeKind] = set()
    for e in events:
        if e.type == "helper.confirmed":
            kinds.update(PledgeKind(p.kind) for p in e.payload(HelperChanged).pledges)
        elif e.type == "document.uploaded":
            kinds.add(REVIEWED_KIND[DocumentKind(e.payload(DocumentUploaded).kind)])
        elif e.type == "review.timed-out":
            kinds.add(REVIEWED_KIND[DocumentKind(e.payload(ReviewChanged).kind)])
        elif e.type == "coffee.opted-in":
            kinds.add(PledgeKind.HELP_COFFEE)
    return kinds


def match(events: list[Envelope[Any]], now: dt.datetime, settings: PledgesSettings) -> int:
    return sum(matcher.run_pass(kind, now, settings) for kind in sorted(kinds_to_match(events)))


def offer_after_diagnosis(events: list[Envelope[Any]], now: dt.datetime, settings: PledgesSettings) -> None:
    for e in events:
        data = e.payload(DiagnosisCompleted)
        kinds = kinds_for_frustrations(data.profile.frustrations)
        offers.record_and_offer(data.profile_id, data.profile.email, kinds, now, settings)


def offer_after_advice(events: list[Envelope[Any]], now: dt.datetime, settings: PledgesSettings) -> None:
    for e in events:
        data = e.payload(AdviceGenerated)
        kinds = kinds_for_advice(item.module_id for item in data.advice)
        if kinds:
            offers.record_and_offer(data.profile_id, None, kinds, now, settings)
