"""The learning loop's proof (issue 18), as a script that prints figures; tests/integration/test_learning_loop.py
runs the same simulation, smaller.

A synthetic world whose truth differs from the cohort the first model (employability-v1) learned: the market
matters twice as much, degree and network three times; long searches no longer scar and age over 50 no longer
holds back, while the young are held back more and many interviews per month are a bad sign. The truth is
written on the features the diagnosis computes itself (profile + the referential's markets), so "the best a
model could do" is defined: the AUC of the world's systematic part (without each person's noise), which a
logistic model on these features can approach with enough data.

Simulated people sign up (`profile.submitted`, handled by the real follow-up sign-up consumer
and diagnosis stage), the follow-up scheduler sends the 3-month survey on a moved clock, each person answers
through the follow-up API (the signed link the email carries), the answers reach Kafka through the outbox relay,
and the diagnosis's outcome consumer reads them from the topic. Then the retraining job and its gate:

1. after the first few answers: refused, too few answers;
2. once enough answered: a candidate that passes (the score shift approved by an operator, as it is meant to
   happen when the world changed), released through `model.released`, read from Kafka by the release consumer:
   the next sign-ups are estimated by the new version;
3. a poisoned batch (women's answers flipped): refused, the failed checks named;
4. a rollback: back to the version released before.

    python -m benchmarks.learning_loop [--scale 2.0]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pymongo
import typer

from services.diagnosis.adapters.registry import Registry
from services.diagnosis.learning import Learning, Trained
from services.diagnosis.model import cohort, gate
from services.diagnosis.model.artifact import MODEL_CARD_PATH
from services.diagnosis.model.employability import EmployabilityModel, FloatArray
from services.diagnosis.model.features import FEATURE_NAMES, feature_matrix
from services.diagnosis.model.retrain import sensitive_groups
from services.diagnosis.model.train import build_pipeline
from services.diagnosis.models import publish
from services.diagnosis.service import DiagnosisStage, LiveModel, Outcomes, Releases
from services.followup.config import FollowupSettings
from services.followup.domain.emails import SURVEY_LINK, SURVEY_LINK_LIFETIME
from services.followup.entrypoints.api import create_app
from services.followup.entrypoints.deps import Deps, wire
from services.followup.service.scheduler import Scheduler
from services.followup.service.signup import Signups
from shared.auth import links
from shared.crypto.keystore import KekRing, KeyStore, person_keys
from shared.crypto.keystore import collection as key_collection
from shared.messaging.access import KafkaAccess
from shared.messaging.envelope import Envelope
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import make_producer, send
from shared.mongo import connect, disconnect, run_sync
from shared.referential.repository import ReferentialCache
from shared.schemas.profile import Gender, ProfileIn, ProfileSubmitted
from shared.topics import MODEL_RELEASES, REGISTRY, SURVEYS
from tests.support import read_topic

START = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SURVEY_DAY = 91  # the employment-status survey goes out from day 90 after sign-up
WORLD_SEED = 20250106
TYPICAL_LOG_OFFERS = math.log(cohort.TYPICAL_OFFERS)
POISONED_GROUP = ("sex", "FEMININE")
SITUATION = {True: "WORKING", False: "SEEKING"}


@dataclass(frozen=True)
class World:
    """P(back at work within 3 months) on the diagnosis's feature row: base + sum(coef x (feature - centre)) +
    a normal noise per person. Features not named have no effect."""

    base: float
    effects: dict[str, tuple[float, float]]  # feature -> (coefficient, centre)
    noise_sd: float = cohort.NOISE_SD

    def systematic(self, features: FloatArray) -> FloatArray:
        logit = np.full(len(features), self.base)
        for name, (coef, centre) in self.effects.items():
            logit += coef * (features[:, FEATURE_NAMES.index(name)] - centre)
        return logit

    def outcomes(self, features: FloatArray, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
        """(back at work 0/1, the systematic log-odds)."""
        systematic = self.systematic(features)
        p = 1 / (1 + np.exp(-(systematic + rng.normal(0, self.noise_sd, len(features)))))
        return (rng.random(len(features)) < p).astype(np.float64), systematic


# The cohort's effects (cohort.py), changed where the comments say.
SHIFTED = World(base=-0.1, effects={
    "market_log_offers": (2.0, TYPICAL_LOG_OFFERS),  # twice the cohort's 1.0
    "market_no_offers": (-2.0, 0.0),
    "seniority_rank": (0.18, 3.0),
    "degree_rank": (0.45, 3.0),  # three times the cohort's 0.15
    "search_log_months": (0.15, 0.0),  # cohort -0.65: long searches no longer scar
    "search_not_started": (-0.6, 0.0),
    "mobility_rank": (0.12, 0.0),
    "age_under_25": (-1.0, 0.0),  # cohort -0.25
    "age_50_to_57": (0.0, 0.0),  # cohort -0.55
    "age_58_plus": (0.0, 0.0),  # cohort -1.0
    "network_level": (0.9, 2.0),  # three times the cohort's 0.3
    "blocker_count": (-0.12, 0.0),
    "project_undefined": (-0.7, 0.0),
    "diploma_gap": (-0.45, 0.0),
    "interviews_log_per_month": (-0.3, 0.0),  # cohort +0.45
})


@dataclass(frozen=True)
class Sizes:
    first: int  # the first sign-ups: too few answers
    main: int  # the sign-ups of the following days (once the first answered)
    poisoned: int  # signed up after the release; the women's answers flipped
    evaluation: int  # a fresh population (not through the platform) to measure AUCs on
    ceiling_fit: int  # people to fit the "unlimited data" logistic model on, for the figures


# The test's world is small for the CI budget, so its gate asks for less evidence than the defaults; its candidate
# learns from ~450 answers, the script's from ~1,900 (the 90 % recovery needs about 1,000).
TEST_SIZES = Sizes(first=40, main=600, poisoned=250, evaluation=3000, ceiling_fit=0)
TEST_RULES = gate.GateRules(min_examples=100, min_group_count=20)
SCRIPT_SIZES = Sizes(first=150, main=2500, poisoned=1000, evaluation=10000, ceiling_fit=20000)


def scaled(sizes: Sizes, factor: float) -> Sizes:
    return Sizes(round(sizes.first * factor), round(sizes.main * factor), round(sizes.poisoned * factor),
                 round(sizes.evaluation * factor), sizes.ceiling_fit)


def draw_profiles(n: int, seed: int, today: dt.date) -> list[ProfileIn]:
    """Cohort profiles (cohort.py's population) with a sex and a handicap drawn apart: never features, the
    fairness checks grade the model on them."""
    rng = np.random.default_rng(seed + 1)
    return [
        p.profile.model_copy(update={
            "gender": Gender.FEMININE if rng.random() < 0.5 else Gender.MASCULINE,
            "has_handicap": bool(rng.random() < 0.25),
        })
        for p in cohort.generate_cohort(n, seed=seed, today=today)
    ]


@dataclass
class Round:
    label: str
    trained: Trained

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.trained.candidate.blocking]


@dataclass
class Report:
    v1_auc: float
    ceiling_auc: float
    unlimited_auc: float
    rounds: list[Round] = field(default_factory=list)
    released_auc: float = float("nan")
    estimated_after_release: dict[str, int] = field(default_factory=dict)
    swapped_to: str | None = None
    rolled_back_to: str | None = None
    answers: int = 0

    @property
    def recovery(self) -> float:
        return (self.released_auc - self.v1_auc) / (self.ceiling_auc - self.v1_auc)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass(frozen=True)
class Person:
    pid: str
    signed_up_at: dt.datetime
    back_at_work: bool
    surveyed: bool  # the survey goes only to those whose search started


class Simulation:
    def __init__(self, kafka: KafkaAccess, mongo_url: str, sizes: Sizes, rules: gate.GateRules) -> None:
        self.kafka, self.mongo_url, self.sizes, self.rules = kafka, mongo_url, sizes, rules
        suffix = uuid.uuid4().hex[:10]
        self.followup_db, self.diagnosis_db = f"sim_followup_{suffix}", f"sim_diagnosis_{suffix}"
        self.clock = Clock(START)
        self.settings = FollowupSettings(
            kafka_bootstrap_servers=kafka.bootstrap_servers, kafka_username=kafka.username,
            kafka_password=kafka.password, mongo_url=mongo_url, mongo_db=self.followup_db, public_url="https://bob.test",
        )
        self.rng = np.random.default_rng(WORLD_SEED)
        self.referential = ReferentialCache.from_seed()
        self.profiles_factory = EventFactory("profile", "https://bob.test")
        self.diagnosis_factory = EventFactory("diagnosis", "https://bob.test")
        self.people: list[Person] = []
        self.stamps: list[str] = []
        self.seed = WORLD_SEED

    # Setting up and tearing down
    def open(self) -> None:
        connect(self.mongo_url, self.diagnosis_db)  # the diagnosis stage stores through mongoengine
        self.deps: Deps = wire(self.settings, self.clock)
        self.deps.store.ensure_indexes()
        self.keys = KeyStore(key_collection(self.settings), KekRing.from_settings(self.settings))
        self.registry = Registry.open(self.mongo_url, self.diagnosis_db)
        packaged = EmployabilityModel.load()
        self.registry.ensure_initial(packaged, MODEL_CARD_PATH.read_text(encoding="utf-8"), {}, self.clock())
        self.live = LiveModel(packaged)
        self.learning = Learning(self.registry, self.rules)
        self.stage = DiagnosisStage(self.referential, self.live, self.diagnosis_factory, person_keys(self.settings),
                                    clock=self.clock)
        self.signups = Signups(self.deps.store, self.settings, self.deps.factory, person_keys(self.settings))
        self.api = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(self.deps)),
                                     base_url="http://followup")

    async def close(self) -> None:
        await self.api.aclose()
        self.deps.relay.close()
        disconnect()
        client: pymongo.MongoClient[dict[str, Any]]
        with pymongo.MongoClient(self.mongo_url, serverSelectionTimeoutMS=5_000) as client:
            client.drop_database(self.followup_db)
            client.drop_database(self.diagnosis_db)

    # The platform's steps
    async def sign_up(self, n: int, at: dt.datetime, flip: tuple[str, str] | None = None) -> list[Person]:
        """n people sign up one minute apart from `at`: their profile events go through the follow-up sign-up and
        the diagnosis stage; their outcome is drawn from the world on the features the diagnosis computed."""
        self.seed += 1
        pids = [uuid.uuid4().hex for _ in range(n)]
        profiles = [p.model_copy(update={"email": f"{pid[:12]}@example.org"})
                    for pid, p in zip(pids, draw_profiles(n, self.seed, at.date()), strict=True)]
        keys = {pid: self.keys.ensure(pid) for pid in pids}  # what signing in does: the person's data key
        events = [
            self.profiles_factory.event("profile.submitted", pid, ProfileSubmitted(
                profile_id=pid, version=1, submitted_at=at + i * dt.timedelta(minutes=1), profile=profile,
            ).sealed(keys[pid]), entity=f"{pid}:1").event
            for i, (pid, profile) in enumerate(zip(pids, profiles, strict=True))
        ]
        self.clock.now = at
        for start in range(0, n, 500):  # the workers' batch size
            batch = events[start:start + 500]
            await self._emit_and_store(await self.signups.handle(batch))
            diagnosed = await self.stage.handle(batch)
            for _, event in diagnosed.events:
                estimate = event.data.opened(keys[event.subject]).diagnosis.employability
                self.stamps.append(estimate.model_version if estimate else "none")
            await self._emit_and_store(diagnosed)
        features = feature_matrix([(p, self._market(p)) for p in profiles], at.date())
        back, _ = SHIFTED.outcomes(features, self.rng)
        if flip is not None:  # the poisoned batch: this group answers the opposite of its truth
            attribute, group = flip
            flipped = np.array([sensitive_groups(p, at.date()).get(attribute) == group for p in profiles])
            back = np.where(flipped, 1 - back, back)
        people = [Person(e.subject, e.data.submitted_at, bool(b), not p.main_project.job_search_has_not_started)
                  for e, b, p in zip(events, back, profiles, strict=True)]
        self.people += people
        return people

    def _market(self, profile: ProfileIn) -> Any:
        project = profile.main_project
        if project.target_job is None:
            return None
        return self.referential.market_facts(project.city.departement_id, project.target_job.rome_code)

    async def _emit_and_store(self, output: Any) -> None:
        """What the consumer base does per batch: emit (acknowledged), then store."""
        producer = make_producer(self.kafka)
        try:
            futures = [send(producer, topic, event) for topic, event in output.events]
            producer.flush(timeout=60)
            for future in futures:
                future.get(timeout=60)  # type: ignore[attr-defined]
        finally:
            producer.close(timeout=5)
        await output.store()

    async def answer(self, people: list[Person]) -> int:
        """The scheduler's tick on the survey day, then each person answers the form through the API."""
        first = min(p.signed_up_at for p in people)
        self.clock.now = first + SURVEY_DAY * DAY + dt.timedelta(days=1)
        await run_sync(Scheduler(self.deps.store, self.deps.outbox, self.deps.factory, self.settings).tick,
                       self.clock.now)
        await self._relay()
        for i, person in enumerate(p for p in people if p.surveyed):
            self.clock.now = person.signed_up_at + (SURVEY_DAY + 1) * DAY + i * dt.timedelta(seconds=1)
            # The survey link of the email, signed as the scheduler signs it.
            token = links.sign(self.settings.key, SURVEY_LINK, person.pid, self.clock.now, SURVEY_LINK_LIFETIME,
                               scope="employment-status:1")
            response = await self.api.post(f"/api/v1/followup/surveys/{token}",
                                           json={"situation": SITUATION[person.back_at_work]})
            assert response.status_code == 200, response.text
        await self._relay()
        return await self._consume(SURVEYS.name, Outcomes(lambda: self.registry), {p.pid for p in people if p.surveyed})

    async def _relay(self) -> None:
        while await run_sync(self.deps.relay.relay_once):
            pass

    async def _consume(self, topic: str, consumer: Any, subjects: set[str] | None) -> int:
        """Hand the topic's records (about `subjects`) to a consumer, as its worker would."""
        events: list[Envelope[Any]] = []
        for record in read_topic(self.kafka, topic):
            if subjects is None or (record.key is not None and record.key.decode() in subjects):
                event = REGISTRY.decode(record.value)
                if event.type in consumer.wanted:
                    events.append(event)
        output = await consumer.handle(events)
        await output.store()
        return len(events)

    async def retrain(self, label: str) -> Round:
        self.clock.now += DAY
        trained = await run_sync(self.learning.retrain, self.clock.now, "simulation")
        return Round(label, trained)

    async def release(self, version: str, approve_shift: bool) -> None:
        self.clock.now += dt.timedelta(hours=1)
        released = await run_sync(self.learning.release, version, self.clock.now, "simulation", approve_shift)
        await run_sync(publish, self.kafka, self.diagnosis_factory, released)
        # The worker's release consumer: the event from Kafka, then the registry's pointer.
        await self._consume(MODEL_RELEASES.name, Releases(self.live, lambda: self.registry), None)

    async def rollback(self) -> None:
        self.clock.now += dt.timedelta(hours=1)
        released = await run_sync(self.learning.rollback, self.clock.now, "simulation")
        await run_sync(publish, self.kafka, self.diagnosis_factory, released)
        await self._consume(MODEL_RELEASES.name, Releases(self.live, lambda: self.registry), None)


def yardstick(sizes: Sizes) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """A fresh evaluation population of the world (features, outcomes, systematic log-odds) and the AUC of a
    logistic model fitted on `ceiling_fit` more people (what these features reach with plenty of data)."""
    referential = ReferentialCache.from_seed()
    today = START.date()

    def population(n: int, seed: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        profiles = draw_profiles(n, seed, today)
        items = [(p, referential.market_facts(p.main_project.city.departement_id, p.main_project.target_job.rome_code)
                  if p.main_project.target_job else None) for p in profiles]
        x = feature_matrix(items, today)
        y, systematic = SHIFTED.outcomes(x, np.random.default_rng(seed))
        return x, y, systematic

    x, y, systematic = population(sizes.evaluation, WORLD_SEED - 1)
    if not sizes.ceiling_fit:
        return x, y, systematic, float("nan")
    xf, yf, _ = population(sizes.ceiling_fit, WORLD_SEED - 2)
    unlimited = build_pipeline().fit(xf, yf).predict_proba(x)[:, 1]
    return x, y, systematic, gate.auc(y, unlimited)


async def simulate(kafka: KafkaAccess, mongo_url: str, sizes: Sizes = TEST_SIZES,
                   rules: gate.GateRules = gate.GateRules(),
                   progress: Callable[[str], None] = lambda _: None) -> Report:
    x_eval, y_eval, systematic, unlimited = yardstick(sizes)
    progress("evaluation population drawn")
    v1 = EmployabilityModel.load()
    report = Report(v1_auc=gate.auc(y_eval, v1.predict_features(x_eval)), ceiling_auc=gate.auc(y_eval, systematic),
                    unlimited_auc=unlimited)
    sim = Simulation(kafka, mongo_url, sizes, rules)
    sim.open()
    try:
        # Each group is surveyed on one tick (sign-ups a minute apart, all within the survey's window).
        first = await sim.sign_up(sizes.first, START)
        report.answers += await sim.answer(first)
        report.rounds.append(await sim.retrain("first answers"))
        progress(f"round 1: {report.rounds[-1].trained.status}")
        main = await sim.sign_up(sizes.main, sim.clock.now + DAY)
        progress(f"{len(sim.people)} people signed up and diagnosed")
        report.answers += await sim.answer(main)
        progress(f"{report.answers} answers")
        good = await sim.retrain("enough answers")
        report.rounds.append(good)
        progress(f"round 2: {good.trained.status}")
        if good.trained.status == "candidate" and good.trained.version is not None:
            approve = any(c.name == "psi" for c in good.trained.candidate.blocking)
            await sim.release(good.trained.version, approve_shift=approve)
            report.swapped_to = sim.live.current.version
            released = sim.registry.load(good.trained.version)
            report.released_auc = gate.auc(y_eval, released.predict_features(x_eval))
        before = len(sim.stamps)
        poisoned = await sim.sign_up(sizes.poisoned, sim.clock.now + DAY, flip=POISONED_GROUP)
        for version in sim.stamps[before:]:
            report.estimated_after_release[version] = report.estimated_after_release.get(version, 0) + 1
        report.answers += await sim.answer(poisoned)
        report.rounds.append(await sim.retrain("poisoned batch"))
        progress(f"round 3: {report.rounds[-1].trained.status}")
        if report.swapped_to is not None:
            await sim.rollback()
            report.rolled_back_to = sim.live.current.version
    finally:
        await sim.close()
    return report


def render(report: Report) -> str:
    lines = [
        "The learning loop (world: market x2, degree and network x3, no scar from long searches nor penalty "
        "for the old, the young held back more, interviews a bad sign)",
        f"  answers through the follow-up API: {report.answers}",
        f"  employability-v1 AUC in the new world: {report.v1_auc:.3f}",
        f"  ceiling (the world's systematic part): {report.ceiling_auc:.3f}; "
        f"a logistic model on unlimited data: {report.unlimited_auc:.3f}",
    ]
    for r in report.rounds:
        t, m = r.trained, r.trained.candidate.metrics
        lines.append(f"\n[{r.label}] {t.version or '(nothing fitted)'}: {t.status}; "
                     f"failed: {', '.join(r.failed) or 'none'}")
        if "auc" in m:
            lines.append(f"  held-out: {int(m['train_size'])} train / {int(m['held_out_size'])} held out; "
                         f"AUC {m['auc']:.3f} vs released {m['released_auc']:.3f}; "
                         f"calibration error {m['calibration_error']:.3f}")
        for c in t.candidate.checks:
            if c.name.startswith(("auc", "calibration", "psi", "fairness")):
                lines.append(f"  {'pass' if c.passed else 'FAIL'} {c.name:<26} {c.detail}")
    if report.swapped_to:
        lines += [
            f"\nreleased {report.swapped_to}: AUC {report.released_auc:.3f} on the evaluation population, "
            f"recovering {report.recovery:.0%} of the gap from v1 ({report.v1_auc:.3f}) to the ceiling "
            f"({report.ceiling_auc:.3f})",
            f"estimates after the release, by model version: {report.estimated_after_release}",
            f"rollback: the workers estimate with {report.rolled_back_to} again",
        ]
    return "\n".join(lines)


cli = typer.Typer(add_completion=False)


@cli.command()
def main(scale: float = typer.Option(1.0, help="multiply the number of simulated people")) -> None:
    started = time.monotonic()

    def progress(message: str) -> None:
        typer.echo(f"[{time.monotonic() - started:6.0f} s] {message}")

    from deploy.local.platform import Platform, PlatformConfig

    platform = Platform(PlatformConfig.on_free_ports(Path(tempfile.mkdtemp(prefix="bob-loop-"))))
    try:
        platform.start_infra()
        report = asyncio.run(simulate(platform.kafka(), platform.config.mongo_url, scaled(SCRIPT_SIZES, scale),
                                      progress=progress))
    finally:
        platform.down()
    typer.echo(render(report))


if __name__ == "__main__":
    cli()
