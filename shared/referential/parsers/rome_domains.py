"""ROME domain tree: unix_item_arborescence_v327_utf8.csv.

Columns: code_ogr, code_type_referentiel (6 = main tree by letter, 7 = secondary thematic tree), code_pere,
code_noeud, libelle_item_arbo, code_item_arbo_associe, code_type_noeud (1 root, 2 node, 3 leaf),
libelle_type_noeud, statut. In the main tree the nodes are letters ("A") and domains ("A11"); leaves are job groups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from shared.referential.parsers.common import clean_label, read_rows
from shared.referential.parsers.report import ParseReport
from shared.referential.records import DomainRecord, JobGroupRecord

FILE_NAME = "unix_item_arborescence_v327_utf8.csv"
MAIN_TREE = "6"
_LETTER = re.compile(r"^[A-N]$")
_SUBDOMAIN = re.compile(r"^[A-N]\d{2}$")


def parse_domains(path: Path, report: ParseReport | None = None) -> Iterator[DomainRecord]:
    """Letters then 3-char domains of the main tree (the secondary tree and leaves are not domains)."""
    report = report if report is not None else ParseReport(path.name)
    seen: set[str] = set()
    for line, row in read_rows(path):
        report.read += 1
        code = row.get("code_noeud", "").upper()
        name = clean_label(row.get("libelle_item_arbo", ""))
        is_node = row.get("code_type_noeud") == "2"
        if row.get("code_type_referentiel") != MAIN_TREE or not is_node:
            report.ignore()  # the secondary tree, the root and the job groups themselves
        elif not (_LETTER.match(code) or _SUBDOMAIN.match(code)) or not name:
            report.skip("bad domain code", line)
        elif code in seen:
            report.skip("duplicate", line)
        else:
            seen.add(code)
            report.kept += 1
            parent = row.get("code_pere", "").upper()
            yield DomainRecord(code=code, name=name, parent_code=parent if _LETTER.match(parent) else "")


def with_domains(job_groups: Iterable[JobGroupRecord], domains: Iterable[DomainRecord]) -> Iterator[JobGroupRecord]:
    """Places each job group under its letter and 3-char domain (a ROME code starts with both)."""
    names = {domain.code: domain.name for domain in domains}
    for group in job_groups:
        code = group.rome_code
        yield replace(
            group,
            domain_letter=code[0],
            domain_name=names.get(code[0], ""),
            subdomain_code=code[:3],
            subdomain_name=names.get(code[:3], ""),
        )
