"""Reading official CSV/TSV files (encodings, line endings) and normalising their codes."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

_ROME_CODE = re.compile(r"^[A-N]\d{4}$")  # same as shared.schemas.profile.RomeCode
_DEPARTEMENT_ID = re.compile(r"^(\d{2}|2[AB]|97\d)$")  # same as shared.schemas.profile.DepartementId
_NOT_DEPARTEMENTS = frozenset({"00", "20", "96", "97", "98", "99"})  # Corsica is 2A/2B since 1976


@dataclass(frozen=True)
class KnownCodes:
    """Codes present in the referential; rows pointing elsewhere are skipped. None = do not check."""

    rome_codes: Collection[str] | None = None
    departements: Collection[str] | None = None


def read_text(path: Path, encoding: str | None = None) -> str:
    """The file's text; UTF-8 (with or without BOM) unless told, falling back to ISO-8859-1."""
    data = path.read_bytes()
    if encoding:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def read_rows(path: Path, delimiter: str = ",", encoding: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row, stripped; CRLF or LF."""
    reader = csv.DictReader(io.StringIO(read_text(path, encoding), newline=""), delimiter=delimiter)
    for row in reader:
        clean = {(key or "").strip(): (value or "").strip() for key, value in row.items() if key is not None}
        yield reader.line_num, clean


def clean_label(value: str) -> str:
    """Pôle emploi exports escape apostrophes SQL-style ("d''art")."""
    return " ".join(value.replace("''", "'").split())


def rome_code(value: str) -> str | None:
    code = value.strip().upper()
    return code if _ROME_CODE.match(code) else None


def departement_id(value: str) -> str | None:
    """Normalised département code: "2" → "02", "2a" → "2A"; None for "000", "", "FR" and the like."""
    code = value.strip().upper()
    if len(code) == 1 and code.isdigit():
        code = "0" + code
    if not _DEPARTEMENT_ID.match(code) or code in _NOT_DEPARTEMENTS:
        return None
    return code


def number(value: str) -> float | None:
    """A finite float (accepting a decimal comma), else None."""
    try:
        result = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return result if result == result and abs(result) != float("inf") else None
