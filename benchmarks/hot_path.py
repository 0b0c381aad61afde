"""Where one event's time goes in the diagnosis and advice stages, in-process without Kafka or MongoDB:
decode (envelope + data validation), compute, wrap and serialise. Prints µs per event for each step.

    python -m benchmarks.hot_path --n 2000
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import typer

from benchmarks.personas import personas
from services.advice.domain.advise import advise
from services.diagnosis.handler import compute
from services.diagnosis.model.employability import EmployabilityModel
from services.profile.domain.events import events_for_version
from shared.consumer import decode_batch
from shared.events import Envelope
from shared.faust_app import tune_gc
from shared.referential.repository import ReferentialCache
from shared.schemas.advice import AdviceGenerated
from shared.schemas.diagnosis import DiagnosisCompleted
from shared.schemas.profile import ProfileSubmitted

T = TypeVar("T")
cli = typer.Typer(add_completion=False)


def timed(label: str, n: int, fn: Callable[[], T]) -> T:
    fn()  # warm: first calls build pydantic schemas and caches
    started = time.perf_counter()
    result = fn()
    typer.echo(f"{label:45} {1e6 * (time.perf_counter() - started) / n:8.1f} µs/event")
    return result


@cli.command()
def main(n: int = 2000, tuned_gc: bool = True) -> None:
    now = dt.datetime.now(dt.UTC)
    raws = [events_for_version(uuid.uuid4().hex, 1, p, now, "k")[0][1].to_json() for p in personas(n)]
    referential, model = ReferentialCache.from_seed(), EmployabilityModel.load()
    if tuned_gc:
        tune_gc()  # as the workers do
    typer.echo(f"{n} events, {sum(map(len, raws)) // n} bytes each on profile.submitted")

    good, _ = timed("diagnosis: decode envelope + ProfileSubmitted", n, lambda: decode_batch(
        raws, ProfileSubmitted, "profile.submitted", topic="t", consumer="c"))
    computed = timed("diagnosis: rules + model + result", n, lambda: compute(good, referential, model, now))
    events = timed("diagnosis: wrap envelope", n, lambda: [Envelope.wrap(
        type="diagnosis.completed", source="/b", subject=c.profile_id, data=c) for c in computed])
    out = timed("diagnosis: serialise", n, lambda: [e.to_json() for e in events])
    typer.echo(f"{'':45} {sum(map(len, out)) // n} bytes each on diagnosis.completed")

    decoded, _ = timed("advice: decode envelope + DiagnosisCompleted", n, lambda: decode_batch(
        out, DiagnosisCompleted, "diagnosis.completed", topic="t", consumer="c"))
    lists = timed("advice: advise", n, lambda: [advise(d.data, now.date()) for d in decoded])
    generated = timed("advice: result + wrap + serialise", n, lambda: [Envelope.wrap(
        type="advice.generated", source="/b", subject=d.data.profile_id, data=AdviceGenerated(
            profile_id=d.data.profile_id, profile_version=1, computed_at=now,
            main_challenge=d.data.diagnosis.main_challenge, advice=items)).to_json()
        for d, items in zip(decoded, lists, strict=True)])
    typer.echo(f"{'':45} {sum(map(len, generated)) // n} bytes each on advice.generated")


if __name__ == "__main__":
    cli()
