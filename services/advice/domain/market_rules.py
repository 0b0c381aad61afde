"""Rule kinds about the labour market of the main project and the diagnosis of it."""

from __future__ import annotations

import re
from collections.abc import Callable

from services.advice.domain.facts import NO, Facts, RuleFn, Verdict
from services.advice.domain.labels import CHALLENGES, DEGREES, HIRING_CHANNELS
from services.advice.domain.person_rules import DEGREE_RANK, degree_reason
from services.advice.domain.phrases import Phrase, reason
from services.advice.domain.rule_args import RuleIdError, parse_enum_value, parse_int
from shared import texts
from shared.schemas.diagnosis import ChallengeId, Text
from shared.schemas.profile import Degree, TrainingFulfillment

# A degree asked by fewer offers than this is not a real barrier.
MISSING_DIPLOMA_MIN_PERCENT = 30.0
# Enough to make the point; the client shows the full lists elsewhere.
MAX_CODES_SHOWN = 3

OFFERS = Phrase(
    "parce que votre marché compte {} offres pour 10 candidats",
    "because your market has {} offers for 10 candidates",
    fr_one="parce que votre marché compte {} offre pour 10 candidats",
    en_one="because your market has {} offer for 10 candidates",
)
NO_OFFERS = Phrase(
    "parce que votre marché ne compte aucune offre en ce moment", "because your market has no offers at all right now"
)
DIPLOMA_ASKED = Phrase(
    "parce que {} % des offres demandent au moins {}", "because {}% of offers ask for at least {}"
)
CHANNEL = Phrase(
    "parce que dans votre métier on recrute d'abord par {}", "because your job hires first through {}"
)
CLOSE_JOBS = Phrase(
    "parce que des métiers proches du vôtre recrutent davantage ici : {}",
    "because jobs close to yours hire more here: {}",
)
BETTER_DEPARTEMENTS = Phrase(
    "parce que des départements de votre région recrutent davantage : {}",
    "because départements of your region hire more: {}",
)
CLOSE_JOB = Phrase(
    "parce qu'un métier proche du vôtre recrute davantage ici : {}", "because a job close to yours hires more here: {}"
)
BETTER_DEPARTEMENT = Phrase(
    "parce qu'un département de votre région recrute davantage : {}",
    "because a département of your region hires more: {}",
)
CHALLENGE = Phrase("parce que votre diagnostic montre que {}", "because your diagnosis shows {}")

# The person knows their own field better than a comparison of degree levels.
_DIPLOMA_CLAIMS = frozenset({TrainingFulfillment.ENOUGH_DIPLOMAS, TrainingFulfillment.CURRENTLY_IN_TRAINING})


_NO_OFFERS_AT_ALL: Verdict = (3, (reason(NO_OFFERS),))


def for_stressed_market(kind: str, arg: str) -> RuleFn:
    """`10/N`: at least 10 candidates for N offers, i.e. offers per 10 candidates <= N.

    Same reading as the original and as MarketState.STUCK for 10/3. "No offers at all" (0) fires;
    None when the market or its figure is missing.
    """
    match = re.fullmatch(r"10/(\d+)", arg)
    if match is None:
        raise RuleIdError(f"{kind}({arg}): expected 10/N, N offers for 10 candidates, e.g. 10/3")
    max_offers = parse_int(kind, match.group(1), 0, 100)

    def rule(facts: Facts) -> Verdict | None:
        offers = facts.offers_per_10
        if offers is None:
            return None
        if not offers:
            return _NO_OFFERS_AT_ALL
        return (3 if offers <= max_offers else 0, ((OFFERS, (offers,)),))

    return rule


def for_missing_diploma(facts: Facts) -> Verdict | None:
    """A degree asked by >= 30% of offers is above the person's highest degree.

    Does not fire when the person says they have the diplomas or are in training; None when the
    degree or the market's diploma requirements are unknown (an empty list counts as unknown).
    """
    market = facts.market
    degree = facts.profile.highest_degree
    if market is None or not market.diploma_requirements or degree is None:
        return None
    own_rank = DEGREE_RANK[degree]
    best_percent, best_degree = 0.0, ""
    for requirement in market.diploma_requirements:
        rank = DEGREE_RANK.get(requirement.degree)  # unknown degree strings are ignored
        percent = requirement.percent_offers
        if rank is None or rank <= own_rank or percent < MISSING_DIPLOMA_MIN_PERCENT:
            continue
        if percent > best_percent:
            best_percent, best_degree = percent, requirement.degree
    if not best_degree or facts.project.training_fulfillment in _DIPLOMA_CLAIMS:
        return (0, (degree_reason(degree),))
    asked = reason(DIPLOMA_ASKED, round(best_percent), DEGREES[Degree(best_degree)])
    return (3, (asked, degree_reason(degree)))


def for_first_hiring_channel(kind: str, arg: str) -> RuleFn:
    """The job group's first hiring channel is X; None when unknown."""
    if arg not in HIRING_CHANNELS:
        raise RuleIdError(f"{kind}({arg}): expected one of {', '.join(HIRING_CHANNELS)}")
    fired: Verdict = (3, (reason(CHANNEL, HIRING_CHANNELS[arg]),))

    def rule(facts: Facts) -> Verdict | None:
        market = facts.market
        if market is None or market.first_hiring_channel is None:
            return None
        return fired if market.first_hiring_channel == arg else NO

    return rule


def for_close_jobs_less_stressed(facts: Facts) -> Verdict | None:
    """Close job groups have a better known market here (named, with their figures); None when this market's own
    figure is unknown (nothing to compare with), 0 when no close job does better."""
    market = facts.market
    if market is None or market.offers_per_10_candidates is None:
        return None
    jobs = market.better_related_jobs[:MAX_CODES_SHOWN]
    if not jobs:
        return NO
    named = texts.join([_with_figure(texts.job_name(job.rome_code, job.name), job.offers_per_10_candidates)
                        for job in jobs])
    return (3, (reason(CLOSE_JOBS if len(jobs) > 1 else CLOSE_JOB, named),))


def for_better_departements_nearby(facts: Facts) -> Verdict | None:
    """Départements of the region with more offers per candidate (named, with their figures); None without
    market facts or without this market's own figure."""
    market = facts.market
    if market is None or market.offers_per_10_candidates is None:
        return None
    places = market.better_departement_markets[:MAX_CODES_SHOWN]
    if places:
        named = texts.join([_with_figure(texts.departement_name(place.departement_id, code=False),
                                         place.offers_per_10_candidates)
                            for place in places])
    elif market.better_departements:
        named = texts.departement_list(market.better_departements[:MAX_CODES_SHOWN])
    else:
        return NO
    several = len(places or market.better_departements) > 1
    return (3, (reason(BETTER_DEPARTEMENTS if several else BETTER_DEPARTEMENT, named),))


def _with_figure(name: Text, offers: float) -> Text:
    figure = texts.offers_per_10(offers)
    return Text(fr=f"{name.fr} ({figure.fr})", en=f"{name.en} ({figure.en})")


def for_main_challenge(kind: str, arg: str) -> RuleFn:
    """The diagnosis' main challenge is X (a ChallengeId value such as stuck-market). Always known."""
    challenge = parse_enum_value(kind, arg, ChallengeId)
    fired: Verdict = (3, (reason(CHALLENGE, CHALLENGES[challenge]),))

    def rule(facts: Facts) -> Verdict:
        return fired if facts.main_challenge == challenge else NO

    return rule


PARAMETRIC: dict[str, Callable[[str, str], RuleFn]] = {
    "for-stressed-market": for_stressed_market,
    "for-first-hiring-channel": for_first_hiring_channel,
    "for-main-challenge": for_main_challenge,
}
PLAIN: dict[str, RuleFn] = {
    "for-missing-diploma": for_missing_diploma,
    "for-close-jobs-less-stressed": for_close_jobs_less_stressed,
    "for-better-departements-nearby": for_better_departements_nearby,
}
