"""Expanded advice cards: what to do this week, then what fits this person's job and place. Pure; the resource
catalogue (services/advice/data/resources.json) is read once at import.

Steps and templates are filled with the person's job (named by shared.texts, never a code), city and département.
Close jobs and départements come from the market facts the diagnosis forwarded, which only list better known
markets, with their figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.advice.domain.facts import Facts
from shared import texts
from shared.schemas.advice import Card, CardEntry, CardSection
from shared.schemas.diagnosis import Text
from shared.schemas.profile import Degree

RESOURCES_FILE = Path(__file__).resolve().parents[1] / "data" / "resources.json"
_DEGREE_RANK = {degree.value: rank for rank, degree in enumerate(Degree)}
MAX_RESOURCES = 4


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    url: str
    audience: Text
    modules: frozenset[str]
    domains: tuple[str, ...]
    max_age: int | None
    min_degree: str | None
    handicap: bool

    def fits(self, rome_code: str | None, age: int, degree: str | None, handicap: bool) -> bool:
        if self.domains and (rome_code is None or not rome_code.startswith(self.domains)):
            return False
        if self.max_age is not None and age > self.max_age:
            return False
        if self.handicap and not handicap:
            return False
        if self.min_degree is None:
            return True
        return degree is not None and _DEGREE_RANK[degree] >= _DEGREE_RANK[self.min_degree]


def load_resources(path: Path = RESOURCES_FILE) -> tuple[Resource, ...]:
    entries = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Resource(
            id=entry["id"], name=entry["name"], url=entry["url"], audience=Text(**entry["for"]),
            modules=frozenset(entry["modules"]), domains=tuple(entry["domains"]),
            max_age=entry.get("only", {}).get("max_age"), min_degree=entry.get("only", {}).get("min_degree"),
            handicap=entry.get("only", {}).get("handicap", False),
        )
        for entry in entries
    )


RESOURCES = load_resources()


class Person:
    """The words a card fills its templates with, in both languages."""

    def __init__(self, facts: Facts) -> None:
        target = facts.project.target_job
        market = facts.market
        french = market.job_group_name if market is not None and target is not None and \
            market.rome_code == target.rome_code else None
        self.job = texts.the_job(target.rome_code, french) if target is not None else Text(
            fr="le métier que vous visez", en="the job you aim at")
        self.city = facts.project.city.name
        self.place = texts.in_departement(facts.project.city.departement_id)

    def fill(self, fr: str, en: str) -> Text:
        return _fill(fr, en, self.job, self.city, self.place)


# Cards are built for every kept item of every advice: what depends only on the words is built once per words.
@lru_cache(maxsize=8192)
def _fill(fr: str, en: str, job: Text, city: str, place: Text) -> Text:
    return Text(
        fr=texts.elide(fr.format(job=job.fr, city=city, place=place.fr)),
        en=en.format(job=job.en, city=city, place=place.en),
    )


Lines = tuple[tuple[str, str], ...]

# What to do this week, per module; {job}, {city} and {place} are filled for the person.
STEPS: dict[str, Lines] = {
    "training": (
        ("Listez les diplômes ou certificats demandés dans 5 offres pour {job}.",
         "List the diplomas or certificates asked for in 5 offers for {job}."),
        ("Cherchez les formations qui y mènent {place} et notez leur durée et leur financement.",
         "Look up the trainings that lead to them {place}; note their length and funding."),
        ("Prenez rendez-vous avec un conseiller pour faire financer celle qui vous convient.",
         "Book a meeting with an adviser to get the one that suits you funded."),
    ),
    "improve-resume": (
        ("Relisez 3 offres pour {job} et surlignez les mots qui reviennent.",
         "Read 3 offers for {job} again and highlight the words that come back."),
        ("Reprenez ces mots dans le titre et les premières lignes de votre CV.",
         "Use those words in your resume's title and first lines."),
        ("Chiffrez une réalisation par poste (volumes, délais, nombre de clients).",
         "Give one achievement per job in figures (volumes, deadlines, number of clients)."),
        ("Faites relire votre CV par un bénévole de Bob Action.", "Ask a Bob Action volunteer to review your resume."),
    ),
    "improve-interview": (
        ("Écrivez vos réponses à « Parlez-moi de vous » et « Pourquoi ce poste ? » pour {job}.",
         "Write your answers to \"Tell me about yourself\" and \"Why this job?\" for {job}."),
        ("Préparez 3 exemples concrets : une situation, ce que vous avez fait, le résultat.",
         "Prepare 3 concrete examples: a situation, what you did, the result."),
        ("Entraînez-vous à voix haute avec un proche ou lors d'un café avec un bénévole.",
         "Practise out loud with someone close or over a coffee with a volunteer."),
        ("Après chaque entretien, notez les questions qui vous ont mis·e en difficulté.",
         "After each interview, write down the questions that caught you out."),
    ),
    "fresh-resume": (
        ("Rassemblez vos postes, formations et dates sur une page.",
         "Gather your jobs, trainings and dates on one page."),
        ("Donnez à votre CV le titre du poste visé : {job}.",
         "Give your resume the title of the job you aim at: {job}."),
        ("Gardez une page, des verbes d'action et une réalisation chiffrée par poste.",
         "Keep one page, action verbs and one achievement in figures per job."),
    ),
    "network": (
        ("Faites la liste de 10 personnes qui exercent {job} ou le connaissent {place}.",
         "List 10 people who work in {job} or know it {place}."),
        ("Envoyez le message ci-dessous à 3 d'entre elles cette semaine.",
         "Send the message below to 3 of them this week."),
        ("Demandez à chacune le nom d'une autre personne à contacter.",
         "Ask each one for the name of someone else to contact."),
    ),
    "spontaneous-application": (
        ("Repérez 10 entreprises qui recrutent pour {job} à {city} et aux alentours.",
         "Find 10 employers hiring for {job} in and around {city}."),
        ("Trouvez le nom de la personne qui recrute dans chacune (site, réseau, standard).",
         "Find the name of the person who hires in each one (website, network, switchboard)."),
        ("Envoyez 3 candidatures avec le modèle ci-dessous, puis relancez une semaine après.",
         "Send 3 applications with the template below, then follow up a week later."),
    ),
    "reorient-to-close-job": (
        ("Lisez la fiche des métiers proches ci-dessous et les offres {place}.",
         "Read about the close jobs below and their offers {place}."),
        ("Notez ce que vous savez déjà faire et ce qu'il vous manquerait.",
         "Note what you can already do and what you would lack."),
        ("Parlez à une personne qui exerce l'un de ces métiers avant de vous décider.",
         "Talk to someone who does one of these jobs before you decide."),
    ),
    "relocate": (
        ("Comparez les offres pour {job} dans les départements ci-dessous.",
         "Compare the offers for {job} in the départements below."),
        ("Estimez le coût d'un déménagement et les aides à la mobilité (conseiller France Travail).",
         "Estimate the cost of moving and the mobility aid (France Travail adviser)."),
        ("Postulez à 2 offres là-bas pour tester l'intérêt des recruteurs.",
         "Apply for 2 offers there to test recruiters' interest."),
    ),
    "commute": (
        ("Élargissez vos alertes d'offres à 30 km autour de {city}.", "Widen your job alerts to 30 km around {city}."),
        ("Calculez vos temps de trajet en transports en commun et en voiture.",
         "Work out your commute times by public transport and by car."),
        ("Regardez aussi les départements voisins ci-dessous.", "Also look at the neighbouring départements below."),
    ),
    "alternance": (
        ("Choisissez un diplôme pour exercer {job} et les écoles qui le préparent en alternance.",
         "Pick a diploma that leads to {job} and the schools that teach it as work-study."),
        ("Cherchez l'entreprise en même temps que l'école : c'est souvent elle qui manque.",
         "Look for the employer at the same time as the school: that is what is usually missing."),
        ("Envoyez 5 candidatures spontanées d'alternance à des entreprises de {city}.",
         "Send 5 unsolicited work-study applications to employers in {city}."),
    ),
    "vae": (
        ("Trouvez le diplôme qui correspond à votre expérience dans {job}.",
         "Find the diploma that matches your experience in {job}."),
        ("Rassemblez vos preuves : contrats, fiches de paie, attestations d'employeurs.",
         "Gather your evidence: contracts, payslips, employers' certificates."),
        ("Déposez votre demande de VAE et demandez un accompagnement.", "File your VAE request and ask for support."),
    ),
    "senior": (
        ("Mettez en avant 3 réalisations récentes plutôt que toute votre carrière.",
         "Highlight 3 recent achievements rather than your whole career."),
        ("Reprenez contact avec 5 anciens collègues ou clients.",
         "Get back in touch with 5 former colleagues or clients."),
        ("Préparez une réponse sereine aux questions sur l'âge et le salaire.",
         "Prepare a calm answer to questions about age and salary."),
    ),
    "follow-up": (
        ("Notez chaque candidature avec sa date et le nom du recruteur.",
         "Log each application with its date and the recruiter's name."),
        ("Relancez au bout de 7 à 10 jours avec le message ci-dessous.",
         "Follow up after 7 to 10 days with the message below."),
        ("Sans réponse, appelez une fois : c'est souvent là que le dossier ressort.",
         "With no answer, call once: that is often when your file comes up again."),
    ),
    "less-applications": (
        ("Gardez cette semaine les 5 offres pour {job} qui vous correspondent le mieux.",
         "This week, keep the 5 offers for {job} that fit you best."),
        ("Pour chacune, adaptez le titre du CV et écrivez 3 lignes propres à l'entreprise.",
         "For each one, adapt your resume's title and write 3 lines about that employer."),
        ("Relancez-les toutes une semaine après.", "Follow all of them up a week later."),
    ),
    "body-language": (
        ("Filmez-vous en répondant à « Parlez-moi de vous » et regardez la vidéo sans le son.",
         "Film yourself answering \"Tell me about yourself\" and watch it without sound."),
        ("Travaillez le regard, la posture et une poignée de main franche.",
         "Work on eye contact, posture and a firm handshake."),
        ("Avant un entretien, deux minutes de respiration lente posent la voix.",
         "Before an interview, two minutes of slow breathing steady your voice."),
    ),
    "explore-other-jobs": (
        ("Notez 3 choses que vous avez aimé faire, au travail ou ailleurs.",
         "Write down 3 things you enjoyed doing, at work or elsewhere."),
        ("Regardez les métiers proches ci-dessous et ceux qui recrutent {place}.",
         "Look at the close jobs below and the ones that hire {place}."),
        ("Demandez une immersion d'un ou deux jours dans une entreprise (conseiller France Travail).",
         "Ask for a one or two-day immersion with an employer (France Travail adviser)."),
    ),
    "first-steps": (
        ("Inscrivez-vous comme demandeur d'emploi et créez vos alertes pour {job} {place}.",
         "Register as a job seeker and set up alerts for {job} {place}."),
        ("Bloquez deux créneaux fixes par semaine pour votre recherche.",
         "Block two fixed slots a week for your search."),
        ("Préparez un CV à jour avant la première candidature.",
         "Get an up-to-date resume ready before the first application."),
    ),
    "association-help": (
        ("Contactez une des associations ci-dessous : un rendez-vous suffit pour commencer.",
         "Contact one of the charities below: one meeting is enough to start."),
        ("Fixez-vous un petit objectif par semaine et partagez-le avec quelqu'un.",
         "Set yourself one small goal a week and share it with someone."),
    ),
    "needs-for-handicap": (
        ("Demandez la reconnaissance de la qualité de travailleur handicapé (RQTH) si ce n'est pas fait.",
         "Apply for recognition as a disabled worker (RQTH) if not done yet."),
        ("Prenez rendez-vous avec Cap emploi pour un accompagnement adapté.",
         "Book a meeting with Cap emploi for suitable support."),
        ("Repérez les employeurs qui recrutent pour {job} et sont engagés pour l'emploi des personnes handicapées.",
         "Find employers hiring for {job} who are committed to employing disabled people."),
    ),
    "driving-licence": (
        ("Demandez à votre conseiller les aides au financement du permis.",
         "Ask your adviser about aid to pay for the licence."),
        ("Comparez deux auto-écoles {place} : tarif horaire et taux de réussite.",
         "Compare two driving schools {place}: hourly rate and pass rate."),
    ),
    "civic-service": (
        ("Cherchez une mission de service civique en lien avec {job} à {city}.",
         "Look for a civic service mission related to {job} in {city}."),
        ("Postulez à 3 missions : une lettre courte sur votre motivation suffit.",
         "Apply for 3 missions: a short letter about your motivation is enough."),
    ),
    "volunteer": (
        ("Choisissez une association où servent les compétences acquises dans {job}.",
         "Choose a charity where the skills you gained in {job} are useful."),
        ("Proposez 2 à 4 heures par semaine et notez ce que vous y faites pour votre CV.",
         "Offer 2 to 4 hours a week and note what you do there for your resume."),
    ),
    "create-your-company": (
        ("Écrivez en une page : votre offre, vos clients, vos concurrents {place}.",
         "Write on one page: your offer, your customers, your competitors {place}."),
        ("Rencontrez un réseau d'accompagnement à la création près de {city}.",
         "Meet a business creation support network near {city}."),
        ("Demandez à votre conseiller les aides aux créateurs (ARE, ACRE).",
         "Ask your adviser about aid for business creators (ARE, ACRE)."),
    ),
    "life-balance": (
        ("Listez les modes de garde possibles près de {city} et leur coût.",
         "List the childcare options near {city} and their cost."),
        ("Fixez vos heures de recherche dans la semaine et tenez-vous-y.",
         "Set your search hours in the week and stick to them."),
    ),
    "language-courses": (
        ("Trouvez un cours de français près de {city}, le soir ou en ligne.",
         "Find a French course near {city}, in the evening or online."),
        ("Apprenez les 30 mots les plus utiles pour {job}.", "Learn the 30 most useful words for {job}."),
    ),
    "foreign-qualifications": (
        ("Demandez une attestation de comparabilité de votre diplôme (ENIC-NARIC).",
         "Ask for a statement of comparability for your diploma (ENIC-NARIC)."),
        ("Faites traduire vos diplômes par un traducteur assermenté.",
         "Have your diplomas translated by a sworn translator."),
        ("Indiquez l'équivalence française sur votre CV.", "State the French equivalent on your resume."),
    ),
    "fight-discrimination": (
        ("Notez les faits : date, offre, échanges, témoins. Gardez les courriels.",
         "Write the facts down: date, offer, exchanges, witnesses. Keep the emails."),
        ("Contactez le Défenseur des droits : c'est gratuit et confidentiel.",
         "Contact the «Défenseur des droits», the rights ombudsman: it is free and confidential."),
        ("Continuez à postuler : votre candidature vaut autant qu'une autre.",
         "Keep applying: your application is worth as much as anyone's."),
    ),
    "temp-agencies": (
        ("Inscrivez-vous dans 3 agences d'intérim de {city} qui recrutent pour {job}.",
         "Sign up with 3 temping agencies in {city} that recruit for {job}."),
        ("Passez les voir en personne avec votre CV : on retient mieux un visage.",
         "Visit them in person with your resume: people remember a face."),
        ("Rappelez chaque semaine pour dire que vous êtes disponible.", "Call every week to say you are available."),
    ),
    "job-boards": (
        ("Créez des alertes pour {job} {place} sur 2 sites d'offres.",
         "Set up alerts for {job} {place} on 2 job boards."),
        ("Répondez à 5 offres cette semaine, chacune avec un CV adapté.",
         "Answer 5 offers this week, each with an adapted resume."),
    ),
}

# Templates filled for the person, per module.
TEMPLATES: dict[str, tuple[str, str]] = {
    "network": (
        "Bonjour, je cherche un poste dans {job} {place}. Vous connaissez bien ce milieu : auriez-vous 15 minutes pour "
        "me dire comment vous voyez le métier aujourd'hui, et à qui je pourrais parler ? Merci d'avance.",
        "Hello, I am looking for a job in {job} {place}. You know this field well: could you spare 15 minutes to tell "
        "me how you see the job today, and who I could talk to? Thank you.",
    ),
    "spontaneous-application": (
        "Madame, Monsieur, je souhaite mettre mon expérience dans {job} au service de votre entreprise à {city}. "
        "[Une réalisation chiffrée.] [Ce qui vous attire chez eux.] Je serais heureux·se d'en parler de vive voix "
        "et vous appellerai la semaine prochaine.",
        "Dear Sir or Madam, I would like to bring my experience in {job} to your company in {city}. [One achievement, "
        "with a figure.] [What draws you to them.] I would be glad to talk about it and will call you next week.",
    ),
    "follow-up": (
        "Bonjour, je vous ai adressé le [date] ma candidature pour un poste dans {job}. Je reste très intéressé·e et "
        "disponible pour un entretien. Pourriez-vous me dire où en est le recrutement ? Bien cordialement.",
        "Hello, on [date] I sent you my application for a position in {job}. I am still very interested and available "
        "for an interview. Could you tell me where the recruitment stands? Kind regards.",
    ),
}

RIGHTS: dict[str, Lines] = {
    "fight-discrimination": (
        ("Refuser une embauche pour l'âge, le sexe, l'origine, le handicap ou 20 autres critères est interdit "
         "(Code du travail, article L1132-1).",
         "Refusing to hire someone for their age, sex, origin, disability or 20 other grounds is illegal "
         "(French Labour Code, article L1132-1)."),
        ("Le Défenseur des droits peut enquêter et vous aider, gratuitement (39 28).",
         "The «Défenseur des droits» can investigate and help you, free of charge (39 28)."),
        ("Vous pouvez saisir le conseil de prud'hommes ou porter plainte : la discrimination est un délit.",
         "You can go to the employment tribunal or file a complaint: discrimination is an offence."),
    ),
    "needs-for-handicap": (
        ("Un employeur doit adapter le poste à votre handicap quand c'est raisonnable (aménagement raisonnable).",
         "An employer must adapt the job to your disability when reasonable (reasonable accommodation)."),
        ("Les entreprises de 20 salariés ou plus doivent employer 6 % de travailleurs handicapés.",
         "Companies of 20 employees or more must employ 6% disabled workers."),
        ("Vous n'avez pas à parler de votre handicap à un recruteur si vous ne le souhaitez pas.",
         "You do not have to tell a recruiter about your disability if you do not want to."),
    ),
}

MODULE_GROUP = {f"network-application-{level}": "network" for level in ("weak", "medium", "good")}

STEPS_TITLE = Text(fr="Cette semaine", en="This week")
RESOURCES_TITLE = Text(fr="Pour vous aider", en="Where to get help")
TEMPLATE_TITLE = Text(fr="Un modèle à adapter", en="A template to adapt")
RIGHTS_TITLE = Text(fr="Vos droits", en="Your rights")


def _jobs_section(facts: Facts, person: Person) -> CardSection | None:
    market = facts.market
    if market is None or market.offers_per_10_candidates is None or not market.better_related_jobs:
        return None
    own = texts.offers_per_10(market.offers_per_10_candidates)
    return CardSection(
        kind="jobs",
        title=person.fill(f"Des métiers proches qui recrutent davantage {{place}} (le vôtre : {own.fr})",
                          f"Close jobs that hire more {{place}} (yours: {own.en})"),
        entries=[CardEntry(text=texts.job_name(job.rome_code, job.name), detail=texts.offers_per_10(
            job.offers_per_10_candidates)) for job in market.better_related_jobs],
    )


def _places_section(facts: Facts, person: Person) -> CardSection | None:
    market = facts.market
    if market is None or market.offers_per_10_candidates is None or not market.better_departement_markets:
        return None
    own = texts.offers_per_10(market.offers_per_10_candidates)
    return CardSection(
        kind="places",
        title=person.fill(f"Des départements de votre région où {{job}} recrute davantage ({{place}} : {own.fr})",
                          f"Départements of your region where {{job}} hires more ({{place}}: {own.en})"),
        entries=[CardEntry(text=texts.departement_name(place.departement_id),
                           detail=texts.offers_per_10(place.offers_per_10_candidates))
                 for place in market.better_departement_markets],
    )


DYNAMIC: dict[str, tuple[Callable[[Facts, Person], CardSection | None], ...]] = {
    "reorient-to-close-job": (_jobs_section,),
    "explore-other-jobs": (_jobs_section,),
    "relocate": (_places_section,),
    "commute": (_places_section,),
}


def card_for(module_id: str, facts: Facts, person: Person | None = None) -> Card | None:
    """The expanded card of a module for this person; None for a module without one."""
    group = MODULE_GROUP.get(module_id, module_id)
    if group not in STEPS:
        return None
    person = person or Person(facts)
    sections = [_steps_section(group, person.job, person.city, person.place)]
    sections += [section for build in DYNAMIC.get(module_id, ()) if (section := build(facts, person))]
    sections += _fixed_sections(group, person.job, person.city, person.place)
    target = facts.project.target_job
    resources = _resources_section(module_id, target.rome_code if target else None, facts.age,
                                   facts.profile.highest_degree, facts.profile.has_handicap)
    if resources is not None:
        sections.append(resources)
    return Card(sections=sections)


@lru_cache(maxsize=4096)
def _steps_section(group: str, job: Text, city: str, place: Text) -> CardSection:
    return CardSection(kind="steps", title=STEPS_TITLE, entries=[
        CardEntry(text=_fill(fr, en, job, city, place)) for fr, en in STEPS[group]])


@lru_cache(maxsize=4096)
def _fixed_sections(group: str, job: Text, city: str, place: Text) -> tuple[CardSection, ...]:
    sections = []
    if group in TEMPLATES:
        sections.append(CardSection(kind="template", title=TEMPLATE_TITLE,
                                    entries=[CardEntry(text=_fill(*TEMPLATES[group], job, city, place))]))
    if group in RIGHTS:
        sections.append(CardSection(kind="rights", title=RIGHTS_TITLE,
                                    entries=[CardEntry(text=Text(fr=fr, en=en)) for fr, en in RIGHTS[group]]))
    return tuple(sections)


@lru_cache(maxsize=4096)
def _resources_section(
    module_id: str, rome_code: str | None, age: int, degree: str | None, handicap: bool
) -> CardSection | None:
    resources = [r for r in RESOURCES if module_id in r.modules and r.fits(rome_code, age, degree, handicap)]
    if not resources:
        return None
    return CardSection(kind="resources", title=RESOURCES_TITLE, entries=[
        CardEntry(text=Text(fr=r.name, en=r.name), detail=r.audience, url=r.url) for r in resources[:MAX_RESOURCES]])
