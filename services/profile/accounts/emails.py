"""The sign-in email, in the person's language (pure)."""

from __future__ import annotations

MAGIC_LINK = {
    "fr": (
        "Bob : votre lien de connexion",
        "Bonjour,\n\nPour vous connecter à Bob, ouvrez ce lien (valable {minutes} minutes, une seule fois) :\n"
        "{link}\n\nSi vous n'avez rien demandé, ignorez ce message.\n",
    ),
    "en": (
        "Bob: your sign-in link",
        "Hello,\n\nTo sign in to Bob, open this link (valid {minutes} minutes, once):\n{link}\n\n"
        "If you did not ask for it, ignore this message.\n",
    ),
}


def magic_link_email(locale: str, link: str, minutes: int) -> tuple[str, str]:
    subject, body = MAGIC_LINK.get(locale, MAGIC_LINK["fr"])
    return subject, body.format(link=link, minutes=minutes)
