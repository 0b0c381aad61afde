"""The advice modules, as data: triggers (rule id -> score cap), titles, fallback explanation.

A trigger scores min(cap, rule score) when its rule fires; a module scores the max over its triggers.
Order in MODULES is the stable priority that breaks ties, first = most important.
Modules in one EXCLUSIVE_GROUPS entry exclude each other: the best scored is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.schemas.diagnosis import Text


@dataclass(frozen=True)
class Module:
    id: str
    title: Text
    pitch: Text  # explanation shown when no fired rule gave a reason
    triggers: Mapping[str, int]


def _text(fr: str, en: str) -> Text:
    return Text(fr=fr, en=en)


def _network_module(level: int, name: str, title: Text) -> Module:
    return Module(
        id=f"network-application-{name}",
        title=title,
        pitch=_text(
            "parce que la plupart des postes se pourvoient par le bouche-à-oreille",
            "because most jobs are filled by word of mouth",
        ),
        triggers={
            f"all(for-network({level});for-first-hiring-channel(NETWORK))": 3,
            f"for-network({level})": 2,
            # Level unknown: all three tie and the priority keeps the medium one.
            "for-first-hiring-channel(NETWORK)": 1,
        },
    )


MODULES: tuple[Module, ...] = (
    Module(
        id="training",
        title=_text("Trouvez une formation", "Find a training"),
        pitch=_text("parce qu'une formation ouvre de nouvelles portes", "because a training opens new doors"),
        triggers={
            "for-main-challenge(missing-diploma)": 3,
            "for-missing-diploma": 3,
            "for-frustrated(TRAINING)": 2,
            "for-project-kind(REORIENTATION)": 2,
            "for-long-search(12)": 1,
        },
    ),
    Module(
        id="improve-resume",
        title=_text("Améliorez votre CV", "Improve your resume"),
        pitch=_text(
            "parce qu'un CV ciblé décroche plus d'entretiens",
            "because a targeted resume gets more interviews",
        ),
        triggers={
            "all(for-many-applications(DECENT_AMOUNT);for-few-interviews-per-month(0.5))": 3,
            "for-main-challenge(enhance-methods-to-interview)": 2,
            "for-frustrated(RESUME)": 2,
        },
    ),
    Module(
        id="improve-interview",
        title=_text("Préparez vos entretiens", "Prepare your job interviews"),
        pitch=_text("parce qu'un entretien se prépare", "because an interview can be prepared"),
        triggers={
            # Many interviews and still searching after 3 months: interviews do not turn into offers.
            "all(for-many-interviews(5);for-long-search(3))": 3,
            "for-frustrated(INTERVIEW)": 2,
        },
    ),
    Module(
        id="fresh-resume",
        title=_text("Préparez un CV percutant", "Write a sharp resume"),
        pitch=_text(
            "parce qu'un bon CV est la base d'une recherche",
            "because a good resume is where a search starts",
        ),
        triggers={
            "for-no-resume": 3,
            "for-search-not-started": 2,
            "not-for-long-search(1)": 2,
        },
    ),
    _network_module(2, "medium", _text("Activez votre réseau", "Use your network")),
    _network_module(1, "weak", _text("Construisez votre réseau", "Build your network")),
    _network_module(3, "good", _text("Faites jouer votre réseau", "Make the most of your network")),
    Module(
        id="spontaneous-application",
        title=_text("Faites des candidatures spontanées", "Send unsolicited applications"),
        pitch=_text(
            "parce que beaucoup d'offres ne sont jamais publiées", "because many jobs are never advertised"
        ),
        triggers={
            "for-first-hiring-channel(SPONTANEOUS)": 3,
            "for-frustrated(NO_OFFERS)": 2,
        },
    ),
    Module(
        id="reorient-to-close-job",
        title=_text("Visez un métier proche", "Aim for a close job"),
        pitch=_text(
            "parce que vos compétences servent aussi dans d'autres métiers",
            "because your skills are also useful in other jobs",
        ),
        triggers={
            "all(for-long-search(6);for-stressed-market(10/3);for-close-jobs-less-stressed)": 3,
            "all(for-main-challenge(stuck-market);for-close-jobs-less-stressed)": 2,
            "all(for-stressed-market(10/3);for-close-jobs-less-stressed)": 1,
        },
    ),
    Module(
        id="relocate",
        title=_text("Envisagez de déménager", "Consider moving"),
        pitch=_text("parce que d'autres régions recrutent davantage", "because other areas hire more"),
        triggers={
            "all(for-better-departements-nearby;not-for-mobility(DEPARTEMENT))": 3,
            "all(for-better-departements-nearby;for-long-search(6);for-stressed-market(10/3))": 2,
        },
    ),
    Module(
        id="commute",
        title=_text("Élargissez votre zone de recherche", "Widen your search area"),
        pitch=_text("parce que les villes voisines recrutent aussi", "because nearby cities hire too"),
        triggers={
            "all(for-mobility(CITY);for-stressed-market(10/3))": 3,
            "all(for-mobility(CITY);for-long-search(6))": 2,
            "all(for-mobility(DEPARTEMENT);for-better-departements-nearby)": 2,
        },
    ),
    Module(
        id="alternance",
        title=_text("Pensez à l'alternance", "Consider a work-study contract"),
        pitch=_text(
            "parce que l'alternance forme tout en étant payé·e", "because work-study trains you while paying you"
        ),
        triggers={
            "all(for-young(26);for-missing-diploma)": 3,
            "all(for-young(30);for-contract(ALTERNANCE))": 3,
            "all(for-young(26);for-project-kind(FIND_A_FIRST_JOB))": 2,
            "all(for-young(30);for-project-kind(REORIENTATION))": 1,
        },
    ),
    Module(
        id="vae",
        title=_text("Faites valider votre expérience (VAE)", "Get your experience certified (VAE)"),
        pitch=_text(
            "parce que votre expérience vaut un diplôme",
            "because your experience is worth a diploma",
        ),
        # As the original's _AdviceVae (bayesimpact/bob-emploi frontend/server/scoring.py): never for someone who
        # has the diplomas; 3 when experience stands for the diplomas of an experienced or training-frustrated
        # person. The missing-diploma trigger is ours: it reads the market's requirements.
        triggers={
            "all(for-training-fulfillment(ENOUGH_EXPERIENCE);any(for-seniority(SENIOR);for-frustrated(TRAINING)))": 3,
            "all(for-seniority(SENIOR);for-missing-diploma)": 3,
            "for-training-fulfillment(ENOUGH_EXPERIENCE)": 2,
            "all(for-seniority(SENIOR);for-training-fulfillment(NOT_SURE,CURRENTLY_IN_TRAINING))": 2,
            "all(for-seniority(SENIOR);for-frustrated(TRAINING);not-for-training-fulfillment(ENOUGH_DIPLOMAS))": 2,
        },
    ),
    Module(
        id="senior",
        title=_text("Valorisez votre expérience de senior", "Make your seniority an asset"),
        pitch=_text(
            "parce que l'expérience est un atout à mettre en avant",
            "because experience is an asset",
        ),
        triggers={
            "all(for-old(45);for-frustrated(AGE_DISCRIMINATION))": 3,
            "all(for-old(45);for-long-search(6))": 3,
            "for-old(45)": 2,
            "all(for-old(35);for-frustrated(AGE_DISCRIMINATION))": 2,
        },
    ),
    Module(
        id="follow-up",
        title=_text("Relancez vos candidatures", "Follow up on your applications"),
        pitch=_text(
            "parce qu'une relance montre votre motivation",
            "because a follow-up shows your motivation",
        ),
        triggers={
            "for-frustrated(NO_OFFER_ANSWERS)": 3,
            "all(for-many-applications(DECENT_AMOUNT);for-few-interviews-per-month(1))": 2,
            # As the original's _AdviceFollowupEmail, everyone gets it at 1: so every profile gets some advice.
            "constant(1)": 1,
        },
    ),
    Module(
        id="less-applications",
        title=_text("Misez sur moins de candidatures, mieux ciblées", "Send fewer, better targeted applications"),
        pitch=_text(
            "parce que la qualité compte plus que le nombre",
            "because quality matters more than numbers",
        ),
        # As the original's _AdviceLessApplications: 6 or more applications a week.
        triggers={"for-many-applications(DECENT_AMOUNT)": 3},
    ),
    Module(
        id="body-language",
        title=_text("Travaillez votre langage corporel", "Work on your body language"),
        pitch=_text(
            "parce que la posture compte autant que les mots",
            "because posture matters as much as words",
        ),
        triggers={
            "all(for-frustrated(INTERVIEW);for-frustrated(SELF_CONFIDENCE))": 3,
            "for-frustrated(INTERVIEW)": 2,
            "for-frustrated(SELF_CONFIDENCE)": 2,
            "for-frustrated(ATYPIC_PROFILE)": 1,
        },
    ),
    Module(
        id="explore-other-jobs",
        title=_text("Explorez d'autres métiers", "Explore other jobs"),
        pitch=_text(
            "parce qu'un métier qui vous plaît motive davantage",
            "because a job you like keeps you going",
        ),
        triggers={
            "for-main-challenge(find-what-you-like)": 3,
            "for-main-challenge(undefined-project)": 3,
            "for-unclear-project": 2,
            "all(not-for-passion(LIKEABLE_JOB);for-young(30))": 2,
            "for-project-kind(REORIENTATION)": 1,
        },
    ),
    Module(
        id="first-steps",
        title=_text("Organisez le début de votre recherche", "Plan the start of your search"),
        pitch=_text(
            "parce qu'une recherche organisée aboutit plus vite",
            "because an organised search ends sooner",
        ),
        triggers={
            "for-main-challenge(start-your-search)": 3,
            "for-search-not-started": 2,
            "for-frustrated(TIME_MANAGEMENT)": 1,
        },
    ),
    Module(
        id="association-help",
        title=_text("Faites-vous accompagner par une association", "Get support from a charity"),
        pitch=_text("parce qu'on cherche mieux à plusieurs", "because searching is easier with others"),
        triggers={
            "all(for-long-search(6);for-frustrated(MOTIVATION))": 3,
            "for-long-search(12)": 2,
            "for-frustrated(MOTIVATION)": 1,
        },
    ),
    Module(
        id="needs-for-handicap",
        title=_text("Faites valoir vos droits liés au handicap", "Use the support for disabled workers"),
        pitch=_text("parce que des aides existent pour vous", "because support exists for you"),
        triggers={"for-handicap": 3},
    ),
    Module(
        id="driving-licence",
        title=_text("Passez votre permis de conduire", "Get a driving licence"),
        pitch=_text(
            "parce que beaucoup d'offres demandent le permis",
            "because many offers require a licence",
        ),
        triggers={
            "all(for-no-driving-licence;not-for-mobility(CITY))": 3,
            "for-no-driving-licence": 2,
        },
    ),
    Module(
        id="civic-service",
        title=_text("Faites un service civique", "Do a civic service"),
        pitch=_text(
            "parce qu'un service civique est une première expérience",
            "because civic service is a first job",
        ),
        triggers={
            "all(for-old(16);for-young(26);for-frustrated(EXPERIENCE))": 3,
            "all(for-old(16);for-young(26))": 2,
            "all(for-old(16);for-young(31);for-handicap)": 2,  # open until 30 with a disability
        },
    ),
    Module(
        id="volunteer",
        title=_text("Devenez bénévole", "Volunteer"),
        pitch=_text(
            "parce que le bénévolat crée de l'expérience et des contacts",
            "because volunteering builds skills",
        ),
        triggers={
            "for-frustrated(EXPERIENCE)": 2,
            "all(for-long-search(6);for-frustrated(MOTIVATION))": 2,
            "all(for-project-kind(FIND_A_FIRST_JOB);not-for-seniority(JUNIOR))": 1,
            "for-long-search(12)": 1,
        },
    ),
    Module(
        id="create-your-company",
        title=_text("Créez votre entreprise", "Start your own business"),
        pitch=_text(
            "parce que l'entrepreneuriat est une voie possible",
            "because self-employment is an option",
        ),
        triggers={
            "for-project-kind(CREATE_OR_TAKE_OVER_COMPANY)": 3,
            "all(for-seniority(EXPERT);for-long-search(12))": 1,
            "all(for-frustrated(ATYPIC_PROFILE);for-seniority(SENIOR))": 1,
        },
    ),
    Module(
        id="life-balance",
        title=_text("Conciliez recherche et vie de famille", "Balance your search and family life"),
        pitch=_text("parce que votre équilibre compte", "because your balance matters"),
        triggers={
            "all(for-family(SINGLE_PARENT,FAMILY_WITH_KIDS);for-frustrated(CHILD_CARE))": 3,
            "for-frustrated(CHILD_CARE)": 2,
            "for-frustrated(STAY_AT_HOME_PARENT)": 2,
            "all(for-family(SINGLE_PARENT);for-long-search(6))": 2,
        },
    ),
    Module(
        id="language-courses",
        title=_text("Perfectionnez votre français", "Improve your French"),
        pitch=_text("parce que la langue ouvre des portes", "because language opens doors"),
        triggers={"for-frustrated(LANGUAGE)": 3},
    ),
    Module(
        id="foreign-qualifications",
        title=_text("Faites reconnaître vos diplômes étrangers", "Get your foreign degrees recognised"),
        pitch=_text("parce que vos diplômes ont de la valeur", "because your degrees have value"),
        triggers={"for-frustrated(FOREIGN_QUALIFICATIONS)": 3},
    ),
    Module(
        id="fight-discrimination",
        title=_text("Faites valoir vos droits face aux discriminations", "Know your rights against discrimination"),
        pitch=_text(
            "parce que la discrimination à l'embauche est illégale",
            "because hiring discrimination is illegal",
        ),
        triggers={
            "for-frustrated(SEX_DISCRIMINATION)": 2,
            "for-frustrated(RACE_DISCRIMINATION)": 2,
            "for-frustrated(AGE_DISCRIMINATION)": 1,  # the senior module covers age first
        },
    ),
    Module(
        id="temp-agencies",
        title=_text("Inscrivez-vous en agence d'intérim", "Sign up with temping agencies"),
        pitch=_text("parce que l'intérim mène souvent à l'embauche", "because temping often leads to a hire"),
        triggers={
            "for-first-hiring-channel(AGENCY)": 3,
            "for-contract(INTERIM)": 2,
        },
    ),
    Module(
        id="job-boards",
        title=_text("Répondez à plus d'offres", "Answer more job offers"),
        pitch=_text("parce que chaque candidature compte", "because every application counts"),
        triggers={
            "all(for-first-hiring-channel(OFFERS);not-for-many-applications(SOME))": 3,
            "not-for-many-applications(SOME)": 2,
        },
    ),
)

EXCLUSIVE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"improve-resume", "improve-interview", "fresh-resume"}),
    frozenset({"network-application-weak", "network-application-medium", "network-application-good"}),
)
