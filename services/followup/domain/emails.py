"""Text of the survey emails (pure): one-click links, the form, and the unsubscribe link, and what the signed
links in them are for and how long they work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shared.schemas.followup import SurveyKind

# Purposes of the signed links (shared/auth/links.py); a survey link's scope is the survey key. These strings
# are in the links already mailed: never rename them.
SURVEY_LINK = "survey"
UNSUBSCRIBE_LINK = "unsubscribe"
SURVEY_LINK_LIFETIME = dt.timedelta(days=60)
UNSUBSCRIBE_LINK_LIFETIME = None  # unsubscribing must work from any old email

SUBJECTS = {
    SurveyKind.FIRST_FOLLOWUP: {"fr": "Où en est votre recherche ?", "en": "How is your search going?"},
    SurveyKind.EMPLOYMENT_STATUS: {"fr": "Où en êtes-vous aujourd'hui ?", "en": "Where are you now?"},
}
BODIES = {
    "fr": (
        "Bonjour,\n\nVous cherchez toujours un emploi ? Un clic suffit :\n"
        "- Je cherche toujours : {still}\n- Je ne cherche plus : {stopped}\n\n"
        "Deux minutes de plus pour nous aider à nous améliorer : {form}\n\n"
        "Ne plus recevoir ces messages : {unsubscribe}\n"
    ),
    "en": (
        "Hello,\n\nAre you still looking for a job? One click is enough:\n"
        "- I am still looking: {still}\n- I stopped looking: {stopped}\n\n"
        "Two more minutes to help us improve: {form}\n\n"
        "Stop receiving these emails: {unsubscribe}\n"
    ),
}


@dataclass(frozen=True)
class Email:
    subject: str
    text: str


def survey_email(kind: SurveyKind, locale: str, base_url: str, survey_token: str, unsubscribe_token: str) -> Email:
    lang = locale if locale in BODIES else "fr"
    survey_url = f"{base_url}/#/survey/{survey_token}"  # the web client's page, which calls the API
    text = BODIES[lang].format(
        still=f"{survey_url}?answer=still-seeking",
        stopped=f"{survey_url}?answer=stopped-seeking",
        form=survey_url,
        # A page with a button: mail scanners follow links, and must not unsubscribe anyone.
        unsubscribe=f"{base_url}/#/unsubscribe/followup/{unsubscribe_token}",
    )
    return Email(subject=SUBJECTS[kind][lang], text=text)
