"""Loads official files or the bundled seed into the referential database (alias "referential").

Every step parses, drops rows that point to unknown codes, then bulk-upserts on the natural key, so re-running
an import leaves the same documents and the same counts. Call connect_referential() first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mongoengine as me  # type: ignore[import-untyped]

from shared.referential import models
from shared.referential.bulk_upsert import ProgressCallback, UpsertCounts, upsert_documents
from shared.referential.codec import to_document
from shared.referential.imt_mapping import hiring_channel_stats, market_stats_from_tension, with_offer_details
from shared.referential.parsers import (
    fap_crosswalk,
    imt_application_modes,
    imt_bmo,
    imt_employment_types,
    imt_market_score,
    imt_monthly_tension,
    imt_salaries,
    insee_geo,
    rome_domains,
    rome_job_groups,
    rome_job_titles,
)
from shared.referential.parsers.common import KnownCodes
from shared.referential.parsers.report import ParseReport
from shared.referential.records import TensionRecord
from shared.referential.seed_files import SEED_DIR, read_seed


@dataclass
class StepReport:
    """What one step read, skipped and wrote; `stored` is the collection size afterwards."""

    step: str
    parse: ParseReport
    collection: str = ""  # "" when the file is parsed only (no MarketFacts field to hold it)
    written: UpsertCounts = field(default_factory=UpsertCounts)
    stored: int = 0
    note: str = ""

    @property
    def imported(self) -> int:
        return self.written.inserted + self.written.updated + self.written.unchanged


def _store(
    step: str,
    document_type: type[me.Document],
    records: Iterable[Any],
    parse: ParseReport,
    progress: ProgressCallback | None,
    note: str = "",
) -> StepReport:
    collection = document_type._get_collection()
    # Documents keyed by ObjectId predate natural-key `_id`s; they would clash with the unique indexes.
    collection.delete_many({"_id": {"$type": "objectId"}})
    document_type.ensure_indexes()
    key_fields = models.NATURAL_KEYS[document_type]
    documents = [to_document(record) for record in records]
    for document in documents:
        document["_id"] = models.key_of(document, key_fields)
    written = upsert_documents(collection, documents, step, progress)
    stored = collection.count_documents({})
    return StepReport(step, parse, collection.name, written, stored, note)


def _known(document_type: type[me.Document], key: str) -> set[str] | None:
    """Codes already stored, to reject rows pointing elsewhere; None (no check) while the collection is empty."""
    values = {str(value) for value in document_type._get_collection().distinct(key)}
    return values or None


def import_rome(rome_dir: Path, progress: ProgressCallback | None = None) -> list[StepReport]:
    reports = []
    domains: list[Any] = []
    tree = rome_dir / rome_domains.FILE_NAME
    if tree.exists():
        domain_report = ParseReport(tree.name)
        domains = list(rome_domains.parse_domains(tree, domain_report))
        reports.append(_store("domains", models.Domain, domains, domain_report, progress))
    group_report = ParseReport(rome_job_groups.FILE_NAME)
    groups = rome_domains.with_domains(
        rome_job_groups.parse_job_groups(rome_dir / rome_job_groups.FILE_NAME, group_report), domains
    )
    reports.append(_store("job groups", models.JobGroup, list(groups), group_report, progress))

    title_report = ParseReport(rome_job_titles.FILE_NAME)
    known_romes = _known(models.JobGroup, "rome_code")
    titles = list(rome_job_titles.parse_job_titles(rome_dir / rome_job_titles.FILE_NAME, title_report, known_romes))
    reports.append(_store("job titles", models.JobTitle, titles, title_report, progress))
    return reports


def import_geo(geo_dir: Path, progress: ProgressCallback | None = None) -> list[StepReport]:
    region_report = ParseReport(insee_geo.REGIONS_FILE)
    regions = list(insee_geo.parse_regions(geo_dir / insee_geo.REGIONS_FILE, region_report))
    reports = [_store("regions", models.Region, regions, region_report, progress)]
    dep_report = ParseReport(insee_geo.DEPARTEMENTS_FILE)
    known_regions = _known(models.Region, "region_id")
    deps = list(insee_geo.parse_departements(geo_dir / insee_geo.DEPARTEMENTS_FILE, dep_report, known_regions))
    reports.append(_store("départements", models.Departement, deps, dep_report, progress))
    return reports


def _find(name: str, *folders: Path | None) -> Path | None:
    for folder in folders:
        if folder is not None and (folder / name).exists():
            return folder / name
    return None


def import_imt(
    imt_dir: Path, rome_dir: Path | None = None, progress: ProgressCallback | None = None
) -> list[StepReport]:
    """Market tension, contract mix and BMO hiring intentions per (département, job group), hiring channels per job
    group; salaries parsed only."""
    known = KnownCodes(_known(models.JobGroup, "rome_code"), _known(models.Departement, "departement_id"))
    monthly, scores = imt_dir / imt_monthly_tension.FILE_NAME, imt_dir / imt_market_score.FILE_NAME
    tension_report = ParseReport(f"{monthly.name} + {scores.name}")
    tensions: list[TensionRecord] = []
    if monthly.exists():
        monthly_report = ParseReport(monthly.name)
        figures = imt_monthly_tension.parse_monthly_figures(monthly, monthly_report, known=known)
        tensions.extend(imt_monthly_tension.yearly_tension(figures, monthly_report))
        tension_report.merge(monthly_report)
    if scores.exists():  # after the monthly figures: the official yearly ratio wins
        score_report = ParseReport(scores.name)
        tensions.extend(imt_market_score.parse_market_scores(scores, score_report, known))
        tension_report.merge(score_report)
    market = market_stats_from_tension(tensions)

    # Contract mix and BMO hiring intentions go with the market stats; salaries are keyed by PCS profession,
    # which no crosswalk we hold maps to job groups: parsed and counted only.
    crosswalk = _find(fap_crosswalk.FILE_NAME, rome_dir, imt_dir)
    mappings = list(fap_crosswalk.parse_fap_crosswalk(crosswalk)) if crosswalk else []
    detail_reports = []
    contracts: list[Any] = []
    bmo: list[Any] = []
    for step, name, parse, into in (
        ("contract mix", imt_employment_types.FILE_NAME, imt_employment_types.parse_employment_types, contracts),
        ("BMO hiring needs", imt_bmo.FILE_NAME, imt_bmo.parse_bmo, bmo),
    ):
        if (imt_dir / name).exists():
            report = ParseReport(name)
            into.extend(parse(imt_dir / name, report))
            detail_reports.append(StepReport(step, report, note="stored with the market stats"))
    if bmo and not mappings:
        detail_reports[-1].note = f"{fap_crosswalk.FILE_NAME} not found: no FAP → ROME mapping, not stored"
    market = with_offer_details(market, contracts, bmo, mappings, known.rome_codes)
    reports = [_store("market stats", models.MarketStat, market, tension_report, progress), *detail_reports]

    modes = imt_dir / imt_application_modes.FILE_NAME
    if modes.exists():
        channel_report = ParseReport(modes.name)
        records = imt_application_modes.parse_application_modes(modes, channel_report)
        stats = hiring_channel_stats(records, mappings, known.rome_codes)
        note = "" if crosswalk else f"{fap_crosswalk.FILE_NAME} not found: no FAP → ROME mapping"
        reports.append(_store("hiring channels", models.JobGroupStat, stats, channel_report, progress, note))

    salaries = imt_dir / imt_salaries.FILE_NAME
    if salaries.exists():
        report = ParseReport(salaries.name)
        for _ in imt_salaries.parse_salaries(salaries, report):
            pass  # validated and counted only
        reports.append(StepReport("salaries", report, note="parsed only: keyed by PCS, no crosswalk to job groups"))
    return reports


def import_seed(seed_dir: Path = SEED_DIR, progress: ProgressCallback | None = None) -> list[StepReport]:
    """The bundled seed; its market figures are stored with synthetic=True, source="seed-synthetic"."""
    seed = read_seed(seed_dir)
    steps: tuple[tuple[str, type[me.Document], Sequence[Any], str], ...] = (
        ("job groups", models.JobGroup, seed.job_groups, ""),
        ("job titles", models.JobTitle, seed.job_titles, ""),
        ("regions", models.Region, seed.regions, ""),
        ("départements", models.Departement, seed.departements, ""),
        ("market stats", models.MarketStat, seed.market_stats, "synthetic"),
        ("job group stats", models.JobGroupStat, seed.job_group_stats, "synthetic"),
    )
    return [
        _store(step, document_type, records, ParseReport(f"seed {step}", len(records), len(records)), progress, note)
        for step, document_type, records, note in steps
    ]


def import_all(data_dir: Path, progress: ProgressCallback | None = None) -> list[StepReport]:
    """ROME, then geography, then IMT (which checks its codes against the first two)."""
    return [
        *import_rome(data_dir / "rome", progress),
        *import_geo(data_dir / "geo", progress),
        *import_imt(data_dir / "imt", data_dir / "rome", progress),
    ]
