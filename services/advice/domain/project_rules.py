"""Rule kinds about the main project: target job, place, mobility, experience, kind, passion, network."""

from __future__ import annotations

from collections.abc import Callable

from services.advice.domain.facts import NO, Facts, RuleFn, Verdict
from services.advice.domain.labels import (
    AREAS,
    CONTRACTS,
    NETWORKS,
    PASSIONS,
    PROJECT_KINDS,
    SENIORITIES,
    TRAININGS,
)
from services.advice.domain.phrases import Phrase, reason
from services.advice.domain.rule_args import parse_enum, parse_int, parse_list
from shared import texts
from shared.schemas.profile import (
    AreaType,
    ContractType,
    PassionLevel,
    ProjectKind,
    Seniority,
    TrainingFulfillment,
)

JOB_GROUP = Phrase("parce que vous visez {}", "because you target {}")
DEPARTEMENT = Phrase("parce que vous cherchez {}", "because you are searching {}")
MOBILITY = Phrase("parce que vous cherchez {}", "because you are searching {}")
SENIORITY = Phrase("parce que vous avez {}", "because you have {}")
KIND = Phrase("parce que vous {}", "because you {}")
PASSION = Phrase("parce que ce métier est pour vous {}", "because you describe this job as {}")
NETWORK = Phrase("parce que vous estimez votre réseau {}", "because you rate your network as {}")
CONTRACT = Phrase("parce que vous envisagez {}", "because you consider {}")
TRAINING = Phrase("parce que vous nous avez dit {}", "because you told us {}")
NO_RESUME = Phrase("parce que vous n'avez pas encore de CV", "because you do not have a resume yet")
UNCLEAR_PROJECT = Phrase(
    "parce que votre projet professionnel n'est pas encore arrêté", "because your job project is not settled yet"
)

_AREA_RANK = {area: rank for rank, area in enumerate(AreaType)}
_SENIORITY_RANK = {level: rank for rank, level in enumerate(Seniority)}
_PASSION_RANK = {level: rank for rank, level in enumerate(PassionLevel)}


def for_job_group(kind: str, arg: str) -> RuleFn:
    """Target ROME code starts with one of the comma-separated prefixes ("A12,N"); None without target."""
    prefixes = parse_list(kind, arg, r"[A-N]\d{0,4}")

    def rule(facts: Facts) -> Verdict | None:
        target = facts.project.target_job
        if target is None:
            return None
        code = target.rome_code
        if not code.startswith(prefixes):
            return NO
        market = facts.market
        name = market.job_group_name if market is not None and market.rome_code == code else None
        return (3, (reason(JOB_GROUP, texts.the_job(code, name)),))

    return rule


def for_departement(kind: str, arg: str) -> RuleFn:
    """The project's city is in one of the comma-separated départements."""
    wanted = frozenset(parse_list(kind, arg, r"\d{2}|2[AB]|97\d"))

    def rule(facts: Facts) -> Verdict:
        departement = facts.project.city.departement_id
        return (3, (reason(DEPARTEMENT, texts.in_departement(departement)),)) if departement in wanted else NO

    return rule


def for_mobility(kind: str, arg: str) -> RuleFn:
    """Mobility area at most X (CITY < DEPARTEMENT < REGION < COUNTRY < WORLD). Always known."""
    ceiling = _AREA_RANK[parse_enum(kind, arg, AreaType)]

    def rule(facts: Facts) -> Verdict:
        area = facts.project.mobility_area
        return (3 if _AREA_RANK[area] <= ceiling else 0, (reason(MOBILITY, AREAS[area]),))

    return rule


def for_seniority(kind: str, arg: str) -> RuleFn:
    """Seniority at least X (NO_SENIORITY < INTERN < ... < EXPERT); None when unknown."""
    floor = _SENIORITY_RANK[parse_enum(kind, arg, Seniority)]

    def rule(facts: Facts) -> Verdict | None:
        seniority = facts.project.seniority
        if seniority is None:
            return None
        return (3 if _SENIORITY_RANK[seniority] >= floor else 0, (reason(SENIORITY, SENIORITIES[seniority]),))

    return rule


def for_project_kind(kind: str, arg: str) -> RuleFn:
    """Project kind among the comma-separated kinds. Always known."""
    wanted = frozenset(parse_enum(kind, item, ProjectKind) for item in parse_list(kind, arg, r"[A-Z_]+"))

    def rule(facts: Facts) -> Verdict:
        project_kind = facts.project.kind
        return (3, (reason(KIND, PROJECT_KINDS[project_kind]),)) if project_kind in wanted else NO

    return rule


def for_training_fulfillment(kind: str, arg: str) -> RuleFn:
    """The person's answer about diplomas is among the comma-separated values; None when unanswered."""
    wanted = frozenset(parse_enum(kind, item, TrainingFulfillment) for item in parse_list(kind, arg, r"[A-Z_]+"))

    def rule(facts: Facts) -> Verdict | None:
        answer = facts.project.training_fulfillment
        if answer is None:
            return None
        return (3 if answer in wanted else 0, (reason(TRAINING, TRAININGS[answer]),))

    return rule


def for_passion(kind: str, arg: str) -> RuleFn:
    """Passion for the target job at least X (ALIMENTARY_JOB < ... < LIFE_GOAL_JOB); None when unknown."""
    floor = _PASSION_RANK[parse_enum(kind, arg, PassionLevel)]

    def rule(facts: Facts) -> Verdict | None:
        passion = facts.project.passion_level
        if passion is None:
            return None
        return (3 if _PASSION_RANK[passion] >= floor else 0, (reason(PASSION, PASSIONS[passion]),))

    return rule


def for_network(kind: str, arg: str) -> RuleFn:
    """Network estimate exactly N (1 weak, 2 medium, 3 good); None when unknown."""
    level = parse_int(kind, arg, 1, 3)

    def rule(facts: Facts) -> Verdict | None:
        network = facts.project.network_estimate
        if network is None:
            return None
        return (3 if network == level else 0, (reason(NETWORK, NETWORKS[network]),))

    return rule


def for_contract(kind: str, arg: str) -> RuleFn:
    """Contract type X is among the wanted ones; None when none were given."""
    contract = parse_enum(kind, arg, ContractType)
    fired: Verdict = (3, (reason(CONTRACT, CONTRACTS[contract]),))

    def rule(facts: Facts) -> Verdict | None:
        wanted = facts.project.employment_types
        if not wanted:
            return None
        return fired if contract in wanted else NO

    return rule


_HAS_NO_RESUME: Verdict = (3, (reason(NO_RESUME),))
_UNCLEAR: Verdict = (3, (reason(UNCLEAR_PROJECT),))


def for_no_resume(facts: Facts) -> Verdict | None:
    has_resume = facts.project.has_resume
    if has_resume is None:
        return None
    return NO if has_resume else _HAS_NO_RESUME


def for_unclear_project(facts: Facts) -> Verdict:
    """No target job, or the person says the project is not clear; a target job with no answer counts as clear."""
    project = facts.project
    return _UNCLEAR if project.target_job is None or project.has_clear_project is False else NO


PARAMETRIC: dict[str, Callable[[str, str], RuleFn]] = {
    "for-job-group": for_job_group,
    "for-departement": for_departement,
    "for-mobility": for_mobility,
    "for-seniority": for_seniority,
    "for-project-kind": for_project_kind,
    "for-training-fulfillment": for_training_fulfillment,
    "for-passion": for_passion,
    "for-network": for_network,
    "for-contract": for_contract,
}
PLAIN: dict[str, RuleFn] = {
    "for-no-resume": for_no_resume,
    "for-unclear-project": for_unclear_project,
}
