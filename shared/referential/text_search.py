"""Accent- and case-insensitive matching of job titles, for an autocomplete."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from shared.referential.records import JobTitleRecord

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, no accents, words only: "Aide-Soignant(e) à domicile" → "aide soignant e a domicile"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_ALNUM.sub(" ", plain.replace("œ", "oe").replace("æ", "ae")).split())


@dataclass(frozen=True)
class _Entry:
    folded: str  # words joined by single spaces, with a leading space so " word" finds word starts
    title: JobTitleRecord


class TitleIndex:
    """All titles folded once; a search scans them (≈11,000 strings: a few milliseconds)."""

    def __init__(self, titles: Iterable[JobTitleRecord]) -> None:
        self._entries = [_Entry(" " + fold(title.name), title) for title in titles]

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 10) -> list[JobTitleRecord]:
        """Titles containing every query word; ranked: title starts with the query, then every word is a word
        start, then plain substrings; shorter titles first within a rank."""
        folded = fold(query)
        if not folded or limit <= 0:
            return []
        words = folded.split()
        ranked: list[tuple[int, int, str, JobTitleRecord]] = []
        for entry in self._entries:
            if not all(word in entry.folded for word in words):
                continue
            if entry.folded.startswith(" " + folded):
                rank = 0
            elif all(" " + word in entry.folded for word in words):
                rank = 1
            else:
                rank = 2
            ranked.append((rank, len(entry.title.name), entry.title.name, entry.title))
        ranked.sort(key=lambda item: item[:3])
        return [item[3] for item in ranked[:limit]]
