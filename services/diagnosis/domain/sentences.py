"""The diagnosis sentence, in French and English, naming the concrete reason of the main challenge."""

from __future__ import annotations

from services.diagnosis.domain.situation import F_TARGET_JOB, Situation
from shared import texts
from shared.schemas.diagnosis import ChallengeId, Text
from shared.schemas.market import MarketState
from shared.schemas.profile import ProjectKind

# Degree ranks (Degree order) -> (French, English) labels used as "a ... degree".
DEGREE_LABELS: tuple[tuple[str, str], ...] = (
    ("sans diplôme", "no"),
    ("CAP/BEP", "CAP/BEP vocational"),
    ("bac", "baccalauréat"),
    ("bac+2 (BTS, DUT)", "two-year (BTS, DUT)"),
    ("bac+3 (licence)", "bachelor's (licence)"),
    ("bac+5 (master, doctorat)", "master's or doctoral"),
)


def _count(value: float, fr_word: str, en_word: str) -> tuple[str, str]:
    """"2 offres" / "2 offers", with shared.texts' singular rules."""
    text = texts.count(value, (fr_word, fr_word + "s"), (en_word, en_word + "s"))
    return text.fr, text.en


def _where(s: Situation) -> tuple[str, str]:
    """"pour « Secrétariat » en Haute-Garonne" / "for secretarial work in Haute-Garonne"."""
    job = texts.job_name(s.rome_code, s.job_group_name) if s.rome_code else None
    place = texts.in_departement(s.departement_id)
    if job is None or not s.job_group_name:
        return f"pour ce métier {place.fr}", f"for this job {place.en}"
    return f"pour {job.fr} {place.fr}", f"for {job.en} {place.en}"


def _undefined_project(s: Situation) -> tuple[str, str]:
    if not s.has_target_job:
        return (
            "Vous n'avez pas encore choisi de métier cible : définir votre projet est la première étape.",
            "You have not chosen a target job yet: defining your project comes first.",
        )
    return (
        "Vous nous avez dit que votre projet n'est pas encore clair : précisons-le avant de chercher.",
        "You told us your project is not clear yet: let's define it before searching.",
    )


def _stuck_market(s: Situation) -> tuple[str, str]:
    where_fr, where_en = _where(s)
    if s.market_state is MarketState.NO_OFFERS or not s.offers_per_10:
        return (
            f"Les statistiques ne montrent aucune offre {where_fr} : ce marché est bouché.",
            f"Statistics show no offers at all {where_en}: this market is stuck.",
        )
    offers_fr, offers_en = _count(s.offers_per_10, "offre", "offer")
    return (
        f"Votre marché est saturé : {offers_fr} pour 10 candidats {where_fr}.",
        f"Your market is saturated: {offers_en} for 10 candidates {where_en}.",
    )


def _find_what_you_like(s: Situation) -> tuple[str, str]:
    if s.kind is ProjectKind.CREATE_OR_TAKE_OVER_COMPANY:
        return (
            "Vous voulez créer votre entreprise mais la motivation vous manque : vérifions d'abord ce qui vous plaît.",
            "You want to start a business but lack motivation: let's first check what you like.",
        )
    if s.kind is ProjectKind.REORIENTATION:
        return (
            "Vous êtes en reconversion : prenez le temps de trouver un métier qui vous plaît.",
            "You are changing careers: take the time to find a job you like.",
        )
    if s.age <= 30:
        return (
            f"À {s.age} ans, avec un métier qui ne vous passionne pas, prenez le temps de trouver ce qui vous plaît.",
            f"At {s.age}, with a job that does not excite you, take the time to find what you like.",
        )
    if s.search_months is None:
        return (
            "Votre recherche n'a pas commencé et ce métier ne vous passionne pas : explorez d'abord ce qui vous plaît.",
            "Your search has not started and this job does not excite you: first explore what you like.",
        )
    since = texts.months(s.search_months)
    return (
        f"Vous visez un métier nouveau pour vous depuis {since.fr} et qui ne vous passionne pas : "
        "explorez ce qui vous plaît.",
        f"For {since.en} you have been aiming at a job new to you that does not excite you: explore what you like.",
    )


def _missing_diploma(gap: tuple[float, int] | None) -> tuple[str, str]:
    if gap is None:  # degree unknown: the rule could still fire on an unsure training answer
        return (
            "Les offres pour ce métier demandent souvent un diplôme que vous n'êtes pas sûr d'avoir.",
            "Offers for this job often require a degree you are not sure you have.",
        )
    percent_fr, percent_en = texts.number(gap[0], "fr"), texts.number(gap[0], "en")
    label_fr, label_en = DEGREE_LABELS[gap[1]]
    return (
        (
            f"{percent_fr} % des offres pour ce métier demandent un diplôme de niveau {label_fr}, "
            "au-dessus du vôtre."
        ),
        f"{percent_en}% of offers for this job require a {label_en} degree, above yours.",
    )


def _enhance_methods(s: Situation) -> tuple[str, str]:
    interviews_fr, interviews_en = _count(s.interview_count or 0, "entretien", "interview")
    length = texts.months(s.search_months or 0.0)
    return (
        f"{interviews_fr} en {length.fr} de recherche, moins d'un par mois : travaillons vos candidatures.",
        f"{interviews_en} in {length.en} of search, fewer than one a month: let's work on your applications.",
    )


def _bravo(s: Situation, missing: list[str]) -> tuple[str, str]:
    if missing:  # "nothing blocks" would claim more than we know
        unknown = texts.unknown_answers(missing)
        return (
            f"Rien ne bloque d'après vos réponses, mais nous ne savons pas encore {unknown.fr} : "
            "complétez votre profil pour en être sûrs.",
            f"Nothing blocks you as far as your answers tell, but we do not know yet {unknown.en}: "
            "complete your profile to be sure.",
        )
    if s.interviews_per_month is not None and s.interviews_per_month >= 1:
        per_month_fr, per_month_en = _count(s.interviews_per_month, "entretien", "interview")
        return (
            f"Rien ne bloque : {per_month_fr} par mois, continuez ainsi !",
            f"Nothing is blocking you: {per_month_en} a month, keep going!",
        )
    return "Rien ne bloque votre recherche : continuez ainsi !", "Nothing is blocking your search: keep going!"


def _market_note(s: Situation) -> tuple[str, str]:
    place = texts.in_departement(s.departement_id)
    return (
        f" (Pas de statistiques de marché pour ce métier {place.fr}.)",
        f" (No market statistics for this job {place.en}.)",
    )


def sentence_for(
    challenge: ChallengeId, s: Situation, gap: tuple[float, int] | None, missing: list[str] | None = None
) -> Text:
    if challenge is ChallengeId.UNDEFINED_PROJECT:
        fr, en = _undefined_project(s)
    elif challenge is ChallengeId.STUCK_MARKET:
        fr, en = _stuck_market(s)
    elif challenge is ChallengeId.FIND_WHAT_YOU_LIKE:
        fr, en = _find_what_you_like(s)
    elif challenge is ChallengeId.MISSING_DIPLOMA:
        fr, en = _missing_diploma(gap)
    elif challenge is ChallengeId.START_YOUR_SEARCH:
        fr, en = (
            "Vous n'avez pas encore commencé votre recherche : c'est le moment de vous lancer.",
            "You have not started your search yet: now is the time to begin.",
        )
    elif challenge is ChallengeId.ENHANCE_METHODS_TO_INTERVIEW:
        fr, en = _enhance_methods(s)
    else:
        fr, en = _bravo(s, missing or [])
    # Every headline, not only bravo's, says which decisive answers are unknown: another answer could change it.
    # Undefined-project's own sentence already says no job is chosen.
    unknown_fields = [field for field in missing or [] if challenge is not ChallengeId.UNDEFINED_PROJECT
                      or field != F_TARGET_JOB]
    if challenge is not ChallengeId.BRAVO and unknown_fields:
        unknown = texts.still_unknown(unknown_fields)
        fr, en = f"{fr} {unknown.fr}", f"{en} {unknown.en}"
    if s.has_target_job and s.market_state is MarketState.MISSING_DATA:
        note_fr, note_en = _market_note(s)
        fr, en = fr + note_fr, en + note_en
    return Text(fr=fr, en=en)
