"""Every sentence a job seeker reads, rendered for generated profiles in both languages, checked for the patterns
that broke before: « que il », "1 months", raw ROME codes and département numbers, French words left in English,
and a search length worded differently from one sentence to the next."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.advice.domain.advise import advise
from services.advice.domain.labels import CHALLENGES, FRUSTRATION_REASONS
from services.advice.domain.modules import MODULES
from services.diagnosis.domain.challenges import diagnose
from shared import texts
from shared.referential.repository import ReferentialCache
from shared.schemas.diagnosis import DiagnosisCompleted, Text
from shared.schemas.market import MarketFacts
from shared.schemas.profile import (
    AreaType,
    ContractType,
    Degree,
    FamilySituation,
    Frequency,
    Frustration,
    PassionLevel,
    PreviousJobSimilarity,
    ProfileIn,
    ProjectKind,
    Seniority,
    TrainingFulfillment,
)

TODAY = dt.date.today()  # the schema refuses search dates after the real today
SEED = ReferentialCache.from_seed()
_VOWEL = "aeiouyàâéèêîïôûœ"

FRENCH_PROBLEMS = {
    "missing elision": re.compile(rf"\b(que|de|ne|je|se) [{_VOWEL}]", re.IGNORECASE),
    "de le / à le": re.compile(r"\b(de|à) (le|les)\b"),
    "plural after 1": re.compile(r"(?<![\d,])1 (offres|entretiens|candidatures|candidats|ans)\b"),
    "decimal months": re.compile(r"\d,\d mois"),
}
ENGLISH_PROBLEMS = {
    "plural after 1": re.compile(r"(?<![\d.])1 (months|offers|interviews|applications|years)\b"),
    "singular after 0": re.compile(r"\b0 (month|offer|interview|application)\b"),
    "decimal months": re.compile(r"\d\.\d months?\b"),
    "French words": re.compile(
        r"(?<![\w'’-])(le|la|les|des|du|dans|pour|avec|vous|votre|vos|métier|offres|mois|ans)(?![\w'’-])", re.I
    ),
}
BOTH_PROBLEMS = {
    "raw ROME code": re.compile(r"\b[A-N]\d{4}\b(?!-)"),  # not a law article (L1132-1)
    "raw département number": re.compile(r"départements? (\d|2[AB])|: (\d{2}|2[AB]|97\d)(, |$)"),
    "unfilled template": re.compile(r"\{\}|\bNone\b"),
    "double space": re.compile(r"  "),
}
QUOTED = re.compile(r"«[^»]*»")  # official French titles, quoted on purpose in English text


def problems(text: Text) -> list[str]:
    found = [f"fr {name}: {text.fr}" for name, pattern in FRENCH_PROBLEMS.items() if pattern.search(text.fr)]
    english = QUOTED.sub("", text.en)
    found += [f"en {name}: {text.en}" for name, pattern in ENGLISH_PROBLEMS.items() if pattern.search(english)]
    for lang, sentence in (("fr", text.fr), ("en", text.en)):
        found += [f"{lang} {name}: {sentence}" for name, pattern in BOTH_PROBLEMS.items() if pattern.search(sentence)]
    return found


def values(enum: type[Any]) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in enum])


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


ROMES = st.sampled_from(sorted({f.rome_code for f in (SEED.market_facts("31", code) for code in (
    "A1101", "C1201", "D1102", "D1505", "F1703", "G1803", "J1506", "K2204", "M1602", "M1607", "M1805", "N4105",
)) if f is not None})) | st.from_regex(r"[A-N]\d{4}", fullmatch=True)
DEPARTEMENTS = st.sampled_from(["01", "13", "2A", "31", "32", "59", "75", "77", "974", "976"])
SEARCH_DAYS = st.one_of(st.integers(0, 40), st.integers(0, 800))


@st.composite
def situations(draw: st.DrawFn) -> tuple[ProfileIn, MarketFacts | None]:
    rome = draw(maybe(ROMES))
    departement = draw(DEPARTEMENTS)
    search: dict[str, Any] = draw(st.one_of(
        st.just({"job_search_has_not_started": True}),
        st.just({}),
        SEARCH_DAYS.map(lambda days: {"job_search_started_at": TODAY - dt.timedelta(days=days)}),
    ))
    profile = ProfileIn.model_validate({
        "year_of_birth": draw(st.integers(TODAY.year - 70, TODAY.year - 16)),
        "highest_degree": draw(maybe(values(Degree))),
        "has_handicap": draw(st.booleans()),
        "family_situation": draw(maybe(values(FamilySituation))),
        "has_driving_licence": draw(maybe(st.booleans())),
        "frustrations": draw(st.lists(values(Frustration), unique=True)),
        "projects": [{
            "target_job": None if rome is None else {"rome_code": rome},
            "city": {"name": "Ville", "departement_id": departement},
            "mobility_area": draw(values(AreaType)),
            "kind": draw(values(ProjectKind)),
            "seniority": draw(maybe(values(Seniority))),
            "previous_job_similarity": draw(maybe(values(PreviousJobSimilarity))),
            "training_fulfillment": draw(maybe(values(TrainingFulfillment))),
            "weekly_applications": draw(maybe(values(Frequency))),
            "total_interview_count": draw(maybe(st.integers(0, 40))),
            "network_estimate": draw(maybe(st.integers(1, 3))),
            "passion_level": draw(maybe(values(PassionLevel))),
            "has_resume": draw(maybe(st.booleans())),
            "has_clear_project": draw(maybe(st.booleans())),
            "employment_types": draw(st.lists(values(ContractType), unique=True, max_size=3)),
            **search,
        }],
    })
    market = None if rome is None else SEED.market_facts(departement, rome)
    return profile, market


def everything_read(profile: ProfileIn, market: MarketFacts | None) -> list[Text]:
    result = diagnose(profile, market, TODAY)
    event = DiagnosisCompleted(
        profile_id="p", profile_version=1, computed_at=dt.datetime.now(dt.UTC), profile=profile, market=market,
        diagnosis=result,
    )
    read = [result.sentence]
    for item in advise(event, TODAY):
        read += [item.title, *item.explanations]
        for section in item.card.sections if item.card else ():
            read.append(section.title)
            for entry in section.entries:  # resource names are proper nouns: French in both languages
                read += [text for text in (None if section.kind == "resources" else entry.text, entry.detail) if text]
    return read


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situation=situations())
def test_generated_profiles_read_well_in_both_languages(situation: tuple[ProfileIn, MarketFacts | None]) -> None:
    profile, market = situation
    read = everything_read(profile, market)
    assert [problem for text in read for problem in problems(text)] == []

    months = profile.projects[0].search_length_months(TODAY)
    if months is not None:  # one search length, one wording, on every page
        french = " | ".join(text.fr for text in read)
        english = " | ".join(text.en for text in read)
        if texts.whole_months(months) == 0:
            assert not re.search(r"\b[01] mois\b", french)
            assert not re.search(r"\b[01] months?\b", english)
        else:
            assert "moins d'un mois" not in french
            assert "less than a month" not in english


def test_every_fixed_sentence_reads_well() -> None:
    fixed = [module.title for module in MODULES] + [module.pitch for module in MODULES]
    fixed += [Text(fr=phrase.fr, en=phrase.en) for phrase in (*FRUSTRATION_REASONS.values(), *CHALLENGES.values())]
    assert [problem for text in fixed for problem in problems(text)] == []


def test_the_checks_catch_what_broke_before() -> None:
    broken = [
        Text(fr="parce que votre diagnostic montre que il vous manque un diplôme", en="ok"),
        Text(fr="ok", en="because you have been searching for 1 months"),
        Text(fr="parce que des métiers proches sont moins encombrés : M1602", en="ok"),
        Text(fr="parce que des départements voisins recrutent : 48, 46", en="ok"),
        Text(fr="ok", en="for Assistanat de direction in département 31"),
    ]
    assert all(problems(text) for text in broken)


def test_durations_counts_and_places() -> None:
    assert texts.months(0.98) == Text(fr="moins d'un mois", en="less than a month")
    assert texts.months(1.0) == Text(fr="1 mois", en="1 month")
    assert texts.months(7.9) == Text(fr="7 mois", en="7 months")
    assert texts.count(1.5, ("offre", "offres"), ("offer", "offers")) == Text(fr="1,5 offre", en="1.5 offers")
    assert texts.offers_per_10(0) == Text(fr="aucune offre pour 10 candidats", en="no offers for 10 candidates")
    assert [texts.in_departement(dep).fr for dep in ("31", "59", "01", "13", "75", "77", "28", "974")] == [
        "en Haute-Garonne", "dans le Nord", "dans l'Ain", "dans les Bouches-du-Rhône", "à Paris",
        "en Seine-et-Marne", "en Eure-et-Loir", "à La Réunion",
    ]
    assert texts.departement_name("974").en == "Réunion (974)"
    assert texts.departement_list(["32", "82"]).fr == "le Gers (32) et le Tarn-et-Garonne (82)"
    assert texts.elide("parce que il faut") == "parce qu'il faut"


def test_jobs_are_named_never_coded() -> None:
    assert texts.job_name("M1607", "Secrétariat") == Text(fr="« Secrétariat »", en="secretarial work")
    unknown = texts.job_name("M1609", "Standard")
    assert unknown.en == "a business support job (French title «Standard»)"
    assert texts.the_job("M1609", None) == Text(fr="ce métier", en="this business support job")
