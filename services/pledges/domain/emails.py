"""The emails of Bob Action (French), as subject and text: pure, so every mail reads the same in tests."""

from __future__ import annotations

from collections.abc import Iterable

from services.pledges.domain.kinds import DocumentKind, PledgeKind

Mail = tuple[str, str]
_OFFERED = {
    PledgeKind.HELP_RESUME: "une relecture de votre CV par une personne du métier",
    PledgeKind.HELP_COVER_LETTER: "une relecture de votre lettre de motivation",
    PledgeKind.HELP_COFFEE: "un café avec une personne du métier pour préparer vos entretiens",
}


def _document(kind: str) -> str:
    return "CV" if kind == DocumentKind.RESUME.value else "lettre de motivation"


def welcome(name: str, kinds: Iterable[PledgeKind], public_url: str, unsubscribe_link: str) -> Mail:
    return "Bob Action : merci pour votre engagement", (
        f"Bonjour {name},\n\nMerci pour votre engagement ({', '.join(k.value for k in kinds)}). Nous vous écrirons "
        f"dès qu'une personne a besoin de vous ; vos relectures vous attendent sur {public_url}/#/reviews\n\n"
        f"Pour vous désinscrire : {unsubscribe_link}\n"
    )


def help_offered(kinds: Iterable[PledgeKind], public_url: str) -> Mail:
    lines = "\n".join(f"- {_OFFERED[k]}" for k in kinds)
    return "Bob Action : des pros vous proposent leur aide", (
        f"Bonjour,\n\nDes personnes en poste proposent bénévolement :\n{lines}\n\n"
        f"Déposez votre document ou acceptez un café sur {public_url}/#/help\n"
    )


def review_assigned(kind: str, review_link: str) -> Mail:
    what = _document(kind)
    return f"Bob Action : une {what} attend votre relecture", (
        f"Bonjour,\n\nUne personne en recherche d'emploi a besoin de votre relecture ({what}).\n"
        f"Ouvrez le document et envoyez votre avis ici :\n{review_link}\n"
    )


def review_done(kind: str, text: str) -> Mail:
    what = _document(kind)
    return f"Bob Action : l'avis d'un pro sur votre {what}", (
        f"Bonjour,\n\nUne personne du métier a relu votre {what}. Voici son avis :\n\n{text}\n"
    )


def coffee_for_seeker(helper_email: str) -> Mail:
    return "Bob Action : un café avec un pro", (
        f"Bonne nouvelle : une personne du métier vous propose un café. Écrivez-lui : {helper_email}\n"
    )


def coffee_for_helper(seeker_email: str) -> Mail:
    return "Bob Action : votre café", f"Une personne en recherche d'emploi aimerait vous rencontrer : {seeker_email}\n"
