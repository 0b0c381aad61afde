"""Texts of the focus emails (pure), in French and English: short, kind, one concrete thing to try this week, a
link back to the app, and the link that stops coaching only (the surveys continue)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.followup.domain.coaching.catalogue import Focus

# Purpose of the signed link that stops the coaching programme (shared/auth/links.py); it is in mailed links:
# never rename it. Separate from the surveys' "unsubscribe", so neither link stops the other programme.
COACHING_UNSUBSCRIBE_LINK = "coaching-unsubscribe"
COACHING_UNSUBSCRIBE_LIFETIME: dt.timedelta | None = None  # works from any old email


@dataclass(frozen=True)
class FocusText:
    subject: str
    body: str
    page: str  # the app's page the email points to


TEXTS: dict[Focus, dict[str, FocusText]] = {
    Focus.NETWORK: {
        "fr": FocusText("Et si votre prochain emploi venait de vos proches ?",
                        "Une bonne partie des embauches passe par le bouche-à-oreille. Cette semaine, écrivez à "
                        "trois personnes de votre entourage : dites-leur le métier que vous cherchez et demandez "
                        "à qui elles penseraient.", "advice"),
        "en": FocusText("Could your next job come from people you know?",
                        "Many hires happen through word of mouth. This week, write to three people you know: tell "
                        "them the job you are looking for and ask whom they would think of.", "advice"),
    },
    Focus.SPONTANEOUS: {
        "fr": FocusText("Les offres ne disent pas tout",
                        "Beaucoup d'entreprises recrutent sans publier d'offre. Choisissez-en deux près de chez "
                        "vous et envoyez une candidature spontanée courte, qui dit ce que vous leur apporteriez.",
                        "advice"),
        "en": FocusText("Job ads do not tell the whole story",
                        "Many companies hire without posting an offer. Pick two near you and send a short "
                        "unsolicited application saying what you would bring them.", "advice"),
    },
    Focus.CV: {
        "fr": FocusText("Votre CV en une minute",
                        "Un recruteur lit un CV en moins d'une minute. Relisez le vôtre : le métier visé en haut, "
                        "trois réussites concrètes, une page. Un bénévole peut aussi le relire pour vous.", "help"),
        "en": FocusText("Your CV in one minute",
                        "A recruiter reads a CV in under a minute. Look at yours again: the job you want at the "
                        "top, three concrete achievements, one page. A volunteer can also review it for you.",
                        "help"),
    },
    Focus.INTERVIEW: {
        "fr": FocusText("Préparer un entretien, ça s'apprend",
                        "Notez les trois questions que vous redoutez le plus et préparez une réponse courte, avec "
                        "un exemple vécu. Dites-les à voix haute, à un proche si possible.", "advice"),
        "en": FocusText("Interviews can be practised",
                        "Write down the three questions you dread most and prepare a short answer to each, with "
                        "an example from your life. Say them out loud, to someone close if you can.", "advice"),
    },
    Focus.CONFIDENCE: {
        "fr": FocusText("Ce que vous savez déjà faire",
                        "Une recherche longue fait douter. Prenez cinq minutes pour écrire trois choses que vous "
                        "avez bien faites, au travail ou ailleurs : ce sont vos arguments.", "diagnosis"),
        "en": FocusText("What you already know how to do",
                        "A long search brings doubts. Take five minutes to write down three things you did "
                        "well, at work or elsewhere: they are your arguments.", "diagnosis"),
    },
    Focus.MOTIVATION: {
        "fr": FocusText("Un petit pas cette semaine",
                        "Chercher un emploi use. Fixez-vous un seul objectif simple pour la semaine, et "
                        "accordez-vous une vraie pause quand il est atteint. Vous n'êtes pas seul·e.",
                        "advice"),
        "en": FocusText("One small step this week",
                        "Looking for a job wears you out. Set yourself one simple goal for the week, and take a "
                        "real break once it is done. You are not alone.", "advice"),
    },
    Focus.LOCAL_MARKET: {
        "fr": FocusText("Votre métier près de chez vous",
                        "Regardez combien d'offres il y a pour votre métier autour de vous, et les départements "
                        "voisins où il recrute davantage : cela aide à savoir où chercher.", "market"),
        "en": FocusText("Your job near you",
                        "See how many offers there are for your job around you, and the nearby areas where it "
                        "hires more: it helps to know where to look.", "market"),
    },
    Focus.TRAINING: {
        "fr": FocusText("Le bon diplôme, la bonne formation",
                        "Demandez à des personnes qui font le métier quel diplôme elles ont, et regardez les "
                        "formations proches de chez vous : parfois votre expérience peut être validée.", "advice"),
        "en": FocusText("The right diploma, the right training",
                        "Ask people who do the job which diploma they have, and look at training near you: "
                        "sometimes your experience can be recognised instead.", "advice"),
    },
    Focus.ACTION_PLAN: {
        "fr": FocusText("Votre plan d'action vous attend",
                        "Il reste des actions dans votre plan. Choisissez-en une pour cette semaine, même petite, "
                        "puis cochez-la : faite, ou bloquée si quelque chose vous arrête.", "plan"),
        "en": FocusText("Your action plan is waiting for you",
                        "There are actions left in your plan. Pick one for this week, even a small one, then tick "
                        "it: done, or stuck if something is in the way.", "plan"),
    },
}
FRAME = {
    "fr": "Bonjour,\n\n{body}\n\nLa suite dans Bob : {app}\n\nNe plus recevoir ces conseils (les questionnaires de "
          "suivi continuent) : {unsubscribe}\n",
    "en": "Hello,\n\n{body}\n\nMore in Bob: {app}\n\nStop these tips (the follow-up surveys continue): "
          "{unsubscribe}\n",
}


@dataclass(frozen=True)
class CoachingEmail:
    subject: str
    text: str
    list_unsubscribe: str  # the one-click URL for mail clients (RFC 8058: POSTed to, no page)


def coaching_email(focus: Focus, locale: str, base_url: str, unsubscribe_token: str) -> CoachingEmail:
    lang = locale if locale in FRAME else "fr"
    text = TEXTS[focus][lang]
    return CoachingEmail(
        subject=text.subject,
        text=FRAME[lang].format(
            body=text.body, app=f"{base_url}/#/{text.page}",
            # A page with a button: mail scanners follow links, and must not unsubscribe anyone.
            unsubscribe=f"{base_url}/#/unsubscribe/coaching/{unsubscribe_token}",
        ),
        list_unsubscribe=f"{base_url}/api/v1/followup/coaching/unsubscribe/{unsubscribe_token}",
    )
