"""DARES crosswalk ROME v3 → FAP-2009 job families: passage_fap2009_romev3.txt (a SAS format file, ISO-8859-1, CRLF).

Two SAS value tables: $FAP9RSQ maps a 5-char ROME code to a FAP directly ("A1101" = "A0Z43"); $FAP9RAQ maps
ROME + one qualification digit ("D15010" = "R0Z60") when the family depends on the qualification level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from shared.referential.parsers.common import read_text, rome_code
from shared.referential.parsers.report import ParseReport
from shared.referential.records import FapMapping

FILE_NAME = "passage_fap2009_romev3.txt"
ENCODING = "iso-8859-1"
DIRECT_WEIGHT = 10  # a direct mapping covers all ten qualification digits
_ENTRY = re.compile(r'^\s*((?:"[^"]*"\s*,?\s*)+)=\s*"([^"]*)"')
_KEY = re.compile(r'"([^"]*)"')
_FAP_CODE = re.compile(r"^[A-Z]\d[A-Z]\d{2}$")


def parse_fap_crosswalk(path: Path, report: ParseReport | None = None) -> Iterator[FapMapping]:
    """One FapMapping per (ROME code, FAP), weighted by how many qualification levels map there."""
    report = report if report is not None else ParseReport(path.name)
    weights: Counter[tuple[str, str]] = Counter()
    for line_no, line in enumerate(read_text(path, ENCODING).splitlines(), start=1):
        match = _ENTRY.match(line)
        if not match:
            continue  # comments, "proc format", "value", "Other"
        fap = match.group(2).strip()
        for key in _KEY.findall(match.group(1)):
            report.read += 1
            code = rome_code(key[:5])
            if code is None or len(key) not in (5, 6) or not _FAP_CODE.match(fap):
                report.skip("bad crosswalk entry", line_no)
                continue
            report.kept += 1
            weights[(code, fap)] += DIRECT_WEIGHT if len(key) == 5 else 1
    for (code, fap), weight in sorted(weights.items()):
        yield FapMapping(rome_code=code, fap_code=fap, weight=weight)


def rome_codes_by_fap(mappings: Iterable[FapMapping]) -> dict[str, list[str]]:
    """FAP → the ROME codes whose main family (largest weight, then first code) it is."""
    best: dict[str, FapMapping] = {}
    for mapping in mappings:
        current = best.get(mapping.rome_code)
        if current is None or (mapping.weight, current.fap_code) > (current.weight, mapping.fap_code):
            best[mapping.rome_code] = mapping
    result: dict[str, list[str]] = {}
    for mapping in sorted(best.values(), key=lambda m: m.rome_code):
        result.setdefault(mapping.fap_code, []).append(mapping.rome_code)
    return result
