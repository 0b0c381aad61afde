"""Bilingual labels of profile and market values, inserted into explanations."""

from __future__ import annotations

from services.advice.domain.phrases import Phrase
from shared.schemas.diagnosis import ChallengeId
from shared.schemas.profile import (
    AreaType,
    ContractType,
    Degree,
    FamilySituation,
    Frequency,
    Frustration,
    PassionLevel,
    ProjectKind,
    Seniority,
    TrainingFulfillment,
)

# Full "because ..." sentences: a frustration is the person's own words, so it reads best restated whole.
FRUSTRATION_REASONS: dict[Frustration, Phrase] = {
    Frustration.NO_OFFERS: Phrase(
        "parce que vous nous avez dit ne pas trouver assez d'offres",
        "because you told us you do not find enough job offers",
    ),
    Frustration.NO_OFFER_ANSWERS: Phrase(
        "parce que vous nous avez dit ne pas recevoir de réponse à vos candidatures",
        "because you told us you get no answer to your applications",
    ),
    Frustration.RESUME: Phrase(
        "parce que vous nous avez dit avoir du mal à rédiger votre CV",
        "because you told us your resume is a struggle",
    ),
    Frustration.INTERVIEW: Phrase(
        "parce que vous nous avez dit que les entretiens sont un challenge pour vous",
        "because you told us job interviews are a challenge for you",
    ),
    Frustration.TRAINING: Phrase(
        "parce que vous nous avez dit avoir du mal à trouver une formation",
        "because you told us finding a training is hard",
    ),
    Frustration.MOTIVATION: Phrase(
        "parce que vous nous avez dit avoir du mal à rester motivé·e",
        "because you told us staying motivated is hard",
    ),
    Frustration.TIME_MANAGEMENT: Phrase(
        "parce que vous nous avez dit avoir du mal à organiser votre temps",
        "because you told us managing your time is hard",
    ),
    Frustration.ATYPIC_PROFILE: Phrase(
        "parce que vous nous avez dit ne pas rentrer dans les cases des recruteurs",
        "because you told us your profile does not fit recruiters' boxes",
    ),
    Frustration.AGE_DISCRIMINATION: Phrase(
        "parce que vous nous avez dit que votre âge vous pénalise",
        "because you told us your age holds you back",
    ),
    Frustration.SEX_DISCRIMINATION: Phrase(
        "parce que vous nous avez dit subir des discriminations liées à votre genre",
        "because you told us you face gender discrimination",
    ),
    Frustration.RACE_DISCRIMINATION: Phrase(
        "parce que vous nous avez dit subir des discriminations liées à vos origines",
        "because you told us you face discrimination about your origins",
    ),
    Frustration.EXPERIENCE: Phrase(
        "parce que vous nous avez dit manquer d'expérience",
        "because you told us you lack experience",
    ),
    Frustration.SELF_CONFIDENCE: Phrase(
        "parce que vous nous avez dit parfois manquer de confiance en vous",
        "because you told us you sometimes lack self-confidence",
    ),
    Frustration.STAY_AT_HOME_PARENT: Phrase(
        "parce que vous nous avez dit reprendre le travail après vous être occupé·e de vos enfants",
        "because you told us you are going back to work after staying at home with your children",
    ),
    Frustration.LANGUAGE: Phrase(
        "parce que vous nous avez dit que la langue est un obstacle",
        "because you told us language is an obstacle",
    ),
    Frustration.FOREIGN_QUALIFICATIONS: Phrase(
        "parce que vous nous avez dit que vos diplômes étrangers ne sont pas reconnus",
        "because you told us your foreign qualifications are not recognised",
    ),
    Frustration.CHILD_CARE: Phrase(
        "parce que vous nous avez dit avoir du mal à faire garder vos enfants",
        "because you told us child care is hard to arrange",
    ),
}

DEGREES: dict[Degree, Phrase] = {
    Degree.NO_DEGREE: Phrase("aucun diplôme", "no degree"),
    Degree.CAP_BEP: Phrase("un CAP ou BEP", "a CAP or BEP"),
    Degree.BAC_BACPRO: Phrase("un bac", "a baccalauréat"),
    Degree.BTS_DUT_DEUG: Phrase("un bac+2", "a two-year degree"),
    Degree.LICENCE_MAITRISE: Phrase("une licence ou maîtrise", "a bachelor's degree"),
    Degree.DEA_DESS_MASTER_PHD: Phrase("un master ou doctorat", "a master's degree or PhD"),
}

SENIORITIES: dict[Seniority, Phrase] = {
    Seniority.NO_SENIORITY: Phrase("aucune expérience dans ce métier", "no experience in this job"),
    Seniority.INTERN: Phrase("une expérience de stage", "an internship experience"),
    Seniority.JUNIOR: Phrase("moins de 2 ans d'expérience", "less than 2 years of experience"),
    Seniority.INTERMEDIARY: Phrase("2 à 6 ans d'expérience", "2 to 6 years of experience"),
    Seniority.SENIOR: Phrase("6 à 10 ans d'expérience", "6 to 10 years of experience"),
    Seniority.EXPERT: Phrase("plus de 10 ans d'expérience", "more than 10 years of experience"),
}

AREAS: dict[AreaType, Phrase] = {
    AreaType.CITY: Phrase("dans votre ville seulement", "in your city only"),
    AreaType.DEPARTEMENT: Phrase("dans votre département", "in your département"),
    AreaType.REGION: Phrase("dans votre région", "in your region"),
    AreaType.COUNTRY: Phrase("dans toute la France", "anywhere in the country"),
    AreaType.WORLD: Phrase("partout dans le monde", "anywhere in the world"),
}

# After "because you told us".
TRAININGS: dict[TrainingFulfillment, Phrase] = {
    TrainingFulfillment.ENOUGH_DIPLOMAS: Phrase("avoir les diplômes demandés", "you have the diplomas asked for"),
    TrainingFulfillment.ENOUGH_EXPERIENCE: Phrase(
        "ne pas avoir les diplômes mais avoir l'expérience demandée",
        "you lack the diplomas but have the experience asked for",
    ),
    TrainingFulfillment.CURRENTLY_IN_TRAINING: Phrase("être en formation", "you are in training"),
    TrainingFulfillment.NOT_SURE: Phrase(
        "ne pas être sûr·e d'avoir les diplômes demandés", "you are not sure you have the diplomas asked for"
    ),
    TrainingFulfillment.NO_TRAINING_REQUIRED: Phrase(
        "qu'aucune formation n'est demandée", "no training is asked for"
    ),
}

PROJECT_KINDS: dict[ProjectKind, Phrase] = {
    ProjectKind.FIND_A_FIRST_JOB: Phrase("cherchez votre premier emploi", "are looking for your first job"),
    ProjectKind.FIND_A_NEW_JOB: Phrase("cherchez un nouvel emploi", "are looking for a new job"),
    ProjectKind.FIND_ANOTHER_JOB: Phrase(
        "cherchez un autre emploi tout en travaillant", "are looking for another job while working"
    ),
    ProjectKind.REORIENTATION: Phrase("souhaitez vous réorienter", "want to change careers"),
    ProjectKind.CREATE_OR_TAKE_OVER_COMPANY: Phrase(
        "souhaitez créer ou reprendre une entreprise", "want to create or take over a company"
    ),
}

PASSIONS: dict[PassionLevel, Phrase] = {
    PassionLevel.ALIMENTARY_JOB: Phrase("surtout un gagne-pain", "mostly a way to pay the bills"),
    PassionLevel.LIKEABLE_JOB: Phrase("un métier qui vous plaît", "a job you like"),
    PassionLevel.PASSIONATING_JOB: Phrase("un métier qui vous passionne", "a job you are passionate about"),
    PassionLevel.LIFE_GOAL_JOB: Phrase("le métier de votre vie", "your life goal"),
}

WEEKLY_COUNTS: dict[Frequency, Phrase] = {
    Frequency.LESS_THAN_2: Phrase("moins de 2", "fewer than 2"),
    Frequency.SOME: Phrase("2 à 5", "2 to 5"),
    Frequency.DECENT_AMOUNT: Phrase("6 à 15", "6 to 15"),
    Frequency.A_LOT: Phrase("plus de 15", "more than 15"),
}

NETWORKS: dict[int, Phrase] = {
    1: Phrase("faible", "weak"),
    2: Phrase("moyen", "medium"),
    3: Phrase("bon", "good"),
}

FAMILIES: dict[FamilySituation, Phrase] = {
    FamilySituation.SINGLE: Phrase("vivez seul·e", "live alone"),
    FamilySituation.IN_COUPLE: Phrase("vivez en couple", "live with a partner"),
    FamilySituation.SINGLE_PARENT: Phrase("élevez seul·e vos enfants", "are a single parent"),
    FamilySituation.FAMILY_WITH_KIDS: Phrase("avez des enfants", "have children"),
}

CONTRACTS: dict[ContractType, Phrase] = {
    ContractType.CDI: Phrase("un CDI", "a permanent contract"),
    ContractType.CDD: Phrase("un CDD", "a fixed-term contract"),
    ContractType.INTERIM: Phrase("l'intérim", "temping"),
    ContractType.INTERNSHIP: Phrase("un stage", "an internship"),
    ContractType.ALTERNANCE: Phrase("l'alternance", "a work-study contract"),
}

# MarketFacts.first_hiring_channel values.
HIRING_CHANNELS: dict[str, Phrase] = {
    "SPONTANEOUS": Phrase("la candidature spontanée", "unsolicited applications"),
    "NETWORK": Phrase("le réseau", "personal contacts"),
    "AGENCY": Phrase("les agences d'intérim et de recrutement", "temping and recruitment agencies"),
    "OFFERS": Phrase("les offres d'emploi", "job offers"),
}

CHALLENGES: dict[ChallengeId, Phrase] = {
    ChallengeId.UNDEFINED_PROJECT: Phrase(
        "votre projet professionnel reste à préciser", "your job project still needs to be defined"
    ),
    ChallengeId.STUCK_MARKET: Phrase(
        "votre marché est très encombré", "your job market is very crowded"
    ),
    ChallengeId.FIND_WHAT_YOU_LIKE: Phrase(
        "trouver un métier qui vous plaît est votre priorité", "finding a job you like is your priority"
    ),
    ChallengeId.MISSING_DIPLOMA: Phrase(
        "il vous manque un diplôme demandé par les recruteurs", "you lack a diploma recruiters ask for"
    ),
    ChallengeId.START_YOUR_SEARCH: Phrase(
        "votre recherche est à lancer", "your search is yet to be started"
    ),
    ChallengeId.ENHANCE_METHODS_TO_INTERVIEW: Phrase(
        "vos candidatures mènent trop peu à des entretiens", "your applications lead to too few interviews"
    ),
    ChallengeId.BRAVO: Phrase("votre recherche est sur de bons rails", "your search is on the right track"),
}
