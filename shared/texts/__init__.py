"""The one place that words figures, durations, places and jobs in French and English.

Every sentence the person reads goes through these helpers, so a duration reads the same on every page
("moins d'un mois" for 30 days everywhere), a count agrees with its noun, a département has its name and article,
and a job group its name in each language (never a bare code). Pure: the data files are read once at import.
Data: data/departements.csv (INSEE 2017 départements: code, TNCC article type, name) and data/job_groups_en.csv
(English names of the seed's ROME job groups, ours); see data/README.md.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from pathlib import Path

from shared.schemas.diagnosis import Text

_DATA = Path(__file__).resolve().parent / "data"
DAYS_PER_MONTH = 30.5


def _read(name: str) -> list[dict[str, str]]:
    with (_DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


# --- numbers and counts ---------------------------------------------------------------------------------------


def number(value: float, lang: str) -> str:
    """One decimal at most, none when whole; French decimal comma."""
    if not math.isfinite(value):
        return "∞" if value > 0 else str(value)
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    text = f"{rounded:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def is_singular(value: float, lang: str) -> bool:
    """Agrees with the figure as shown: French is singular below 2 ("1,5 offre"), English only for 1."""
    if not math.isfinite(value):
        return False
    shown = round(value, 1)
    return abs(shown) < 2 if lang == "fr" else shown == 1


def count(value: float, fr: tuple[str, str], en: tuple[str, str]) -> Text:
    """`value` with its noun, singular or plural: count(2, ("offre", "offres"), ("offer", "offers"))."""
    return Text(
        fr=f"{number(value, 'fr')} {fr[0] if is_singular(value, 'fr') else fr[1]}",
        en=f"{number(value, 'en')} {en[0] if is_singular(value, 'en') else en[1]}",
    )


def offers_per_10(value: float) -> Text:
    """"2 offres pour 10 candidats"; 0 says "aucune offre" (a state, not a figure)."""
    if value == 0:
        return Text(fr="aucune offre pour 10 candidats", en="no offers for 10 candidates")
    offers = count(value, ("offre", "offres"), ("offer", "offers"))
    return Text(fr=f"{offers.fr} pour 10 candidats", en=f"{offers.en} for 10 candidates")


# --- durations ------------------------------------------------------------------------------------------------


def whole_months(months: float) -> int:
    """The shown number of months: whole months elapsed, so 30 days (0.98 month) is "less than a month"."""
    return max(0, int(months))


def months(value: float) -> Text:
    """A search length: "moins d'un mois" under a month, then "1 mois", "7 mois" (whole months elapsed)."""
    whole = whole_months(value)
    if whole == 0:
        return Text(fr="moins d'un mois", en="less than a month")
    return count(whole, ("mois", "mois"), ("month", "months"))


def months_since(days: int) -> Text:
    return months(days / DAYS_PER_MONTH)


# --- places ---------------------------------------------------------------------------------------------------

# INSEE TNCC (type of the name's article): 0/1 none, 2 le, 3 la, 4 les, 5 l'.
_ARTICLES = {"2": "le ", "3": "la ", "4": "les ", "5": "l'"}
_DEPARTEMENTS = {row["departement_id"]: (row["tncc"], row["name"]) for row in _read("departements.csv")}


def departement_name(departement_id: str, *, code: bool = True) -> Text:
    """"la Haute-Garonne (31)" / "Haute-Garonne (31)": a name the person recognises, the code as a hint."""
    known = _DEPARTEMENTS.get(departement_id)
    if known is None:
        return Text(fr=f"le département {departement_id}", en=f"département {departement_id}")
    tncc, name = known
    hint = f" ({departement_id})" if code else ""
    return Text(fr=f"{_ARTICLES.get(tncc, '')}{name}{hint}", en=f"{_english(name)}{hint}")


def in_departement(departement_id: str) -> Text:
    """"en Haute-Garonne", "dans le Nord", "dans l'Ain", "à Paris" / "in Haute-Garonne"."""
    known = _DEPARTEMENTS.get(departement_id)
    if known is None:
        return Text(fr=f"dans le département {departement_id}", en=f"in département {departement_id}")
    tncc, name = known
    if tncc in ("2", "4", "5"):
        fr = f"dans {_ARTICLES[tncc]}{name}"
    elif tncc == "3" or "-et-" in name or tncc == "1":
        fr = f"en {name}"
    else:  # Paris, Mayotte, La Réunion
        fr = f"à {name}"
    return Text(fr=fr, en=f"in {_english(name)}")


def _english(name: str) -> str:
    return name.removeprefix("La ")  # "Réunion" in English


def departement_list(departement_ids: Iterable[str]) -> Text:
    return join([departement_name(dep) for dep in departement_ids])


# --- jobs -----------------------------------------------------------------------------------------------------

_JOB_NAMES_EN = {row["rome_code"]: row["name_en"] for row in _read("job_groups_en.csv")}
# ROME domain letters (the first letter of a code), in English.
_DOMAINS_EN = {
    "A": "farming and green spaces", "B": "arts and crafts", "C": "banking, insurance and real estate",
    "D": "retail and sales", "E": "communication and media", "F": "construction", "G": "hospitality and tourism",
    "H": "industry", "I": "installation and maintenance", "J": "health", "K": "personal and community services",
    "L": "performing arts", "M": "business support", "N": "transport and logistics",
}


def job_name(rome_code: str, french_name: str | None) -> Text:
    """A job group by name: French from the ROME (in « »), English from our table, else its domain and the
    French title in quotes. Never the bare code."""
    fr = f"« {french_name} »" if french_name else "ce métier"
    english = _JOB_NAMES_EN.get(rome_code)
    if english is None:
        domain = _DOMAINS_EN.get(rome_code[:1])
        if french_name:
            english = f"a {domain} job (French title «{french_name}»)" if domain else f"the job «{french_name}»"
        else:
            english = f"this {domain} job" if domain else "this job"
    return Text(fr=fr, en=english)


def the_job(rome_code: str, french_name: str | None) -> Text:
    """As a sentence's object: "le métier « Secrétariat »" / "secretarial work"; "ce métier" without a name."""
    name = job_name(rome_code, french_name)
    return Text(fr=f"le métier {name.fr}" if french_name else name.fr, en=name.en)


# --- unknown answers --------------------------------------------------------------------------------------------

# The profile answers a diagnosis may lack (TrainStep.missing_fields paths), as the person would name them.
_ANSWERS: dict[str, Text] = {
    "projects[0].target_job": Text(fr="quel métier vous visez", en="which job you aim at"),
    "projects[0].has_clear_project": Text(fr="si votre projet est clair", en="whether your project is clear"),
    "projects[0].passion_level": Text(fr="ce que ce métier représente pour vous", en="what this job means to you"),
    "projects[0].job_search_started_at": Text(
        fr="depuis quand vous cherchez", en="since when you have been searching"
    ),
    "projects[0].total_interview_count": Text(
        fr="combien d'entretiens vous avez passés", en="how many interviews you had"
    ),
    "projects[0].training_fulfillment": Text(
        fr="si vous avez les diplômes demandés", en="whether you have the diplomas"
    ),
    "highest_degree": Text(fr="quel est votre plus haut diplôme", en="your highest degree"),
    "projects[0].seniority": Text(
        fr="quelle expérience vous avez de ce métier", en="how experienced you are in this job"
    ),
    "projects[0].previous_job_similarity": Text(
        fr="si vous avez déjà fait ce métier", en="whether you did this job before"
    ),
}


def unknown_answers(fields: Iterable[str]) -> Text:
    """"ce que ce métier représente pour vous et depuis quand vous cherchez": the unknown answers, joined. A field
    without a wording is a KeyError, never a raw path shown to the person."""
    return join([_ANSWERS[field] for field in fields])


def still_unknown(fields: Iterable[str]) -> Text:
    """The sentence a headline ends with when answers that decide the diagnosis are unknown; "" when none is."""
    answers = unknown_answers(fields)
    if not answers.fr:
        return answers
    return Text(
        fr=f"Nous ne savons pas encore {answers.fr} : complétez votre profil pour affiner ce diagnostic.",
        en=f"We do not know yet {answers.en}: complete your profile to refine this diagnosis.",
    )


# --- assembling -----------------------------------------------------------------------------------------------


def join(items: list[Text]) -> Text:
    """"a, b et c" / "a, b and c"."""
    if not items:
        return Text(fr="", en="")
    if len(items) == 1:
        return items[0]
    return Text(
        fr=", ".join(item.fr for item in items[:-1]) + " et " + items[-1].fr,
        en=", ".join(item.en for item in items[:-1]) + " and " + items[-1].en,
    )


_ELIDABLE = re.compile(r"\b(qu|d|j|n|s|l)e ([aeiouyàâéèêîïôûœAEIOUYÀÂÉÈÊÎÏÔÛ])")


def elide(french: str) -> str:
    """"que il" → "qu'il", "de un" → "d'un": a template's word followed by an inserted phrase."""
    return _ELIDABLE.sub(lambda match: f"{match.group(1)}'{match.group(2)}", french)
