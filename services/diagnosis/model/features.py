"""Numeric features of the employability model, built from (profile, market facts, today).

Definitions (search length, interviews per month, market state, blockers) come from the diagnosis
`Situation` so the model and the rules never disagree. Unknown values are imputed with a typical value and,
where the gap itself carries information (market, search start, interviews), flagged by an indicator.
Sensitive answers (discrimination frustrations, handicap, gender) are deliberately not features.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from services.diagnosis.domain.challenges import (
    check_missing_diploma,
    check_undefined_project,
)
from services.diagnosis.domain.situation import AREA_RANK, read_situation
from shared.schemas.diagnosis import Text, TrainStatus
from shared.schemas.market import MarketFacts, MarketState
from shared.schemas.profile import SENSITIVE_FRUSTRATIONS, ProfileIn

# name -> (French label, English label); the order is the column order of the matrix.
FEATURES: dict[str, tuple[str, str]] = {
    "market_log_offers": ("Tension du marché (offres pour 10 candidats)", "Market tension (offers per 10 candidates)"),
    "market_missing": ("Statistiques de marché manquantes", "Missing market statistics"),
    "market_no_offers": ("Aucune offre sur votre marché", "No offers in your market"),
    "seniority_rank": ("Expérience dans le métier", "Experience in the job"),
    "degree_rank": ("Niveau de diplôme", "Degree level"),
    "search_log_months": ("Durée de recherche", "Search length"),
    "search_not_started": ("Recherche pas encore commencée", "Search not started yet"),
    "search_unknown": ("Début de recherche inconnu", "Unknown search start"),
    "mobility_rank": ("Mobilité géographique", "Geographic mobility"),
    "age_under_25": ("Moins de 25 ans", "Under 25"),
    "age_50_to_57": ("Entre 50 et 57 ans", "Aged 50 to 57"),
    "age_58_plus": ("58 ans ou plus", "Aged 58 or more"),
    "network_level": ("Réseau professionnel", "Professional network"),
    "blocker_count": ("Freins déclarés", "Reported obstacles"),
    "project_undefined": ("Projet pas encore défini", "Project not defined yet"),
    "diploma_gap": ("Diplôme souvent demandé pour ce métier", "Degree often required for this job"),
    "interviews_log_per_month": ("Entretiens par mois", "Interviews per month"),
    "interviews_missing": ("Nombre d'entretiens inconnu", "Unknown number of interviews"),
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
# Yes/no features: their label describes the "yes" case, so they only explain a person for whom it is true
# (a 36-year-old must not read "Aged 58 or more" among their factors, even if not being 58 helps).
INDICATORS: frozenset[str] = frozenset({
    "market_missing", "market_no_offers", "search_not_started", "search_unknown", "age_under_25", "age_50_to_57",
    "age_58_plus", "project_undefined", "diploma_gap", "interviews_missing",
})
FEATURE_LABELS: tuple[Text, ...] = tuple(Text(fr=fr, en=en) for fr, en in FEATURES.values())

# Typical values used for unknowns (close to the cohort medians).
TYPICAL_OFFERS_PER_10 = 4.5
TYPICAL_RANK = 2  # seniority INTERMEDIARY, degree BTS_DUT_DEUG
TYPICAL_NETWORK = 2
TYPICAL_INTERVIEWS_PER_MONTH = 0.5
# Tension ratios are clipped before the log: beyond these bounds the statistics are too thin to trust.
MIN_OFFERS_PER_10, MAX_OFFERS_PER_10 = 0.2, 30.0
MAX_MOBILITY_RANK = AREA_RANK["COUNTRY"]  # WORLD adds nothing over COUNTRY


def feature_row(profile: ProfileIn, market: MarketFacts | None, today: dt.date) -> list[float]:
    s = read_situation(profile, market, today)
    state = s.market_state
    offers = s.offers_per_10
    usable_offers = offers if offers else TYPICAL_OFFERS_PER_10
    months = s.search_months
    search_unknown = months is None and not s.search_not_started
    per_month = s.interviews_per_month
    if s.search_not_started:
        per_month = 0.0
    interviews_missing = per_month is None
    if per_month is None:
        per_month = TYPICAL_INTERVIEWS_PER_MONTH
    age = s.age
    blockers = sum(1 for f in profile.frustrations if f not in SENSITIVE_FRUSTRATIONS)
    return [
        math.log(min(MAX_OFFERS_PER_10, max(MIN_OFFERS_PER_10, usable_offers))),
        float(state is MarketState.MISSING_DATA),
        float(state is MarketState.NO_OFFERS),
        float(TYPICAL_RANK if s.seniority_rank is None else s.seniority_rank),
        float(TYPICAL_RANK if s.degree_rank is None else s.degree_rank),
        math.log1p(months) if months is not None else 0.0,
        float(s.search_not_started),
        float(search_unknown),
        float(min(MAX_MOBILITY_RANK, AREA_RANK[s.mobility])),
        float(age < 25),
        float(50 <= age < 58),
        float(age >= 58),
        float(TYPICAL_NETWORK if s.network is None else s.network),
        float(blockers),
        float(check_undefined_project(s)[0] is TrainStatus.NEEDS_ATTENTION),
        float(check_missing_diploma(s)[0] is TrainStatus.NEEDS_ATTENTION),
        math.log1p(per_month),
        float(interviews_missing),
    ]


def feature_matrix(
    items: Sequence[tuple[ProfileIn, MarketFacts | None]], today: dt.date
) -> npt.NDArray[np.float64]:
    """One row per (profile, market) pair, columns in FEATURE_NAMES order."""
    matrix = np.empty((len(items), len(FEATURE_NAMES)), dtype=np.float64)
    for i, (profile, market) in enumerate(items):
        matrix[i] = feature_row(profile, market, today)
    return matrix
