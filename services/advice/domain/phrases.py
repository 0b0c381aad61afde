"""Bilingual sentence templates and their rendering into `Text`.

Rules return reasons as (Phrase, args) pairs and only the kept ones are rendered, once, through a cache:
formatting strings for every evaluated rule would cost more than the rules themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from shared import texts
from shared.schemas.diagnosis import Text


# eq=False: phrases are module constants, so identity hashing is correct and the cache key cheap.
@dataclass(frozen=True, slots=True, eq=False)
class Phrase:
    """A template in both languages; `{}` placeholders; optional singular forms for a count first arg."""

    fr: str
    en: str
    fr_one: str | None = None
    en_one: str | None = None


# A nested Reason renders in place, e.g. a count of months with its own singular form; a Text (from shared.texts:
# a duration, a place, a job name) is taken in the language being rendered.
Arg: TypeAlias = "int | float | str | Phrase | Text | Reason"
Reason: TypeAlias = tuple[Phrase, tuple[Arg, ...]]


def reason(phrase: Phrase, *args: Arg) -> Reason:
    return (phrase, args)


def _format_arg(arg: Arg, lang: str) -> str:
    if isinstance(arg, (Phrase, Text)):
        return arg.fr if lang == "fr" else arg.en
    if isinstance(arg, tuple):
        return _render_one(arg[0], arg[1], lang)
    if isinstance(arg, float):
        return texts.number(arg, lang)
    return str(arg)


def _is_singular(args: tuple[Arg, ...], lang: str) -> bool:
    count = args[0] if args else None
    return isinstance(count, (int, float)) and texts.is_singular(count, lang)


def _render_one(phrase: Phrase, args: tuple[Arg, ...], lang: str) -> str:
    one = phrase.fr_one if lang == "fr" else phrase.en_one
    template = one if one is not None and _is_singular(args, lang) else (phrase.fr if lang == "fr" else phrase.en)
    return template.format(*(_format_arg(arg, lang) for arg in args))


@lru_cache(maxsize=4096)
def render(item: Reason) -> Text:
    phrase, args = item
    return Text(fr=texts.elide(_render_one(phrase, args, "fr")), en=_render_one(phrase, args, "en"))
