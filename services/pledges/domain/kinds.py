"""The kinds of help, the kinds of documents and the limits of Bob Action (DOMAIN.md, "Bob Action")."""

from __future__ import annotations

from enum import StrEnum


class PledgeKind(StrEnum):
    HELP_RESUME = "HELP_RESUME"
    HELP_COVER_LETTER = "HELP_COVER_LETTER"
    HELP_COFFEE = "HELP_COFFEE"


class DocumentKind(StrEnum):
    RESUME = "RESUME"
    COVER_LETTER = "COVER_LETTER"


class ReviewState(StrEnum):
    SENT = "SENT"
    DONE = "DONE"
    TIME_OUT = "TIME_OUT"


REVIEWED_KIND = {DocumentKind.RESUME: PledgeKind.HELP_RESUME, DocumentKind.COVER_LETTER: PledgeKind.HELP_COVER_LETTER}
DOCUMENT_KIND = {pledge: document for document, pledge in REVIEWED_KIND.items()}

MAX_DOCUMENTS_PER_PLEDGE = 3
# A document is open while its pending + done reviews stay under 2: so at most 2 pending and at most 2 done.
MAX_REVIEWS_PER_DOCUMENT = 2
MAX_COFFEES_PER_PLEDGE = 10
