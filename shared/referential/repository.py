"""ReferentialCache: the whole referential in memory, with market facts precomputed for O(1) lookups.

The diagnosis asks for market facts about 2,000 times a second: `market_facts` is a dict get.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.referential import models
from shared.referential.codec import from_document
from shared.referential.records import (
    DepartementRecord,
    JobGroupRecord,
    JobGroupStatRecord,
    JobTitleRecord,
    MarketStatRecord,
    RegionRecord,
)
from shared.referential.seed_files import SEED_DIR, read_seed
from shared.referential.text_search import TitleIndex
from shared.schemas.market import ContractShare, DiplomaRequirement, JobMarket, MarketFacts, PlaceMarket

MAX_BETTER_DEPARTEMENTS = 3
MAX_BETTER_RELATED = 3
RELATED_PREFIX_LENGTH = 3  # job groups sharing "M16" belong to the same ROME domain


class ReferentialCache:
    """Read-only lookups over job groups, départements, market facts and job titles, all held in memory."""

    def __init__(
        self,
        job_groups: Iterable[JobGroupRecord],
        departements: Iterable[DepartementRecord],
        market_stats: Iterable[MarketStatRecord],
        job_group_stats: Iterable[JobGroupStatRecord] = (),
        job_titles: Iterable[JobTitleRecord] = (),
        regions: Iterable[RegionRecord] = (),
    ) -> None:
        self._job_groups = {group.rome_code: group for group in job_groups}
        self._departements = {dep.departement_id: dep for dep in departements}
        self._regions = {region.region_id: region for region in regions}
        self._titles = TitleIndex(job_titles)
        self._related = _related_codes(self._job_groups)
        stats = {(stat.departement_id, stat.rome_code): stat for stat in market_stats}
        self._national = {stat.rome_code: stat for stat in job_group_stats}
        better = _better_departements(stats.values(), self._departements)
        self._facts = {
            key: self._build_facts(stat, self._national.get(stat.rome_code), better.get(key, []), stats)
            for key, stat in stats.items()
        }
        self._national_facts: dict[tuple[str, str], MarketFacts] = {}
        self._figures: dict[str, dict[str, float]] = {}  # job group -> département -> offers per 10 candidates
        for (dep_id, code), stat in stats.items():
            if stat.offers_per_10_candidates is not None:
                self._figures.setdefault(code, {})[dep_id] = stat.offers_per_10_candidates

    @classmethod
    def load(cls) -> ReferentialCache:
        """Everything from the database behind the "referential" alias (see connect_referential)."""

        def documents(document_type: Any) -> list[dict[str, Any]]:
            return list(document_type._get_collection().find({}, {"_id": False}))

        return cls(
            job_groups=[from_document(JobGroupRecord, doc) for doc in documents(models.JobGroup)],
            departements=[from_document(DepartementRecord, doc) for doc in documents(models.Departement)],
            market_stats=[from_document(MarketStatRecord, doc) for doc in documents(models.MarketStat)],
            job_group_stats=[from_document(JobGroupStatRecord, doc) for doc in documents(models.JobGroupStat)],
            job_titles=[from_document(JobTitleRecord, doc) for doc in documents(models.JobTitle)],
            regions=[from_document(RegionRecord, doc) for doc in documents(models.Region)],
        )

    @classmethod
    def from_seed(cls) -> ReferentialCache:
        """The bundled seed without any database (offline demos, tests)."""
        seed = read_seed(SEED_DIR)
        return cls(
            seed.job_groups, seed.departements, seed.market_stats, seed.job_group_stats, seed.job_titles, seed.regions
        )

    def is_known_rome(self, code: str) -> bool:
        return code in self._job_groups

    def is_known_departement(self, departement_id: str) -> bool:
        return departement_id in self._departements

    def job_group(self, code: str) -> JobGroupRecord | None:
        return self._job_groups.get(code)

    def departement(self, departement_id: str) -> DepartementRecord | None:
        return self._departements.get(departement_id)

    def region(self, region_id: str) -> RegionRecord | None:
        return self._regions.get(region_id)

    def related_rome_codes(self, code: str) -> list[str]:
        return list(self._related.get(code, ()))

    def market_facts(self, departement_id: str, rome_code: str) -> MarketFacts | None:
        """The precomputed facts (shared, frozen). Without a statistics row for the pair, the job group's national
        facts (diplomas, hiring channel: they hold wherever one searches) marked `national_only`; None when the job
        group or the département is unknown."""
        key = (departement_id, rome_code)
        facts = self._facts.get(key)
        if facts is not None:
            return facts
        facts = self._national_facts.get(key)
        if facts is None and rome_code in self._job_groups and departement_id in self._departements:
            stat = MarketStatRecord(departement_id, rome_code, None, source="national")
            facts = self._build_facts(stat, self._national.get(rome_code), [], {})
            facts = facts.model_copy(update={"national_only": True})
            self._national_facts[key] = facts
        return facts

    def regional_figures(self, departement_id: str, rome_code: str) -> list[tuple[str, float]]:
        """Offers per 10 candidates for the job group in every département of this one's region that has a figure
        (this one included), best first."""
        dep = self._departements.get(departement_id)
        if dep is None:
            return []
        figures = self._figures.get(rome_code, {})
        region = [
            (other, figures[other]) for other, record in self._departements.items()
            if record.region_id == dep.region_id and other in figures
        ]
        return sorted(region, key=lambda item: (-item[1], item[0]))

    def national_median(self, rome_code: str) -> tuple[float | None, int]:
        """The median over départements of offers per 10 candidates for the job group, and how many have one."""
        values = sorted(self._figures.get(rome_code, {}).values())
        if not values:
            return None, 0
        middle = len(values) // 2
        median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        return round(median, 1), len(values)

    def hiring_channel_percents(self, rome_code: str) -> dict[str, float]:
        national = self._national.get(rome_code)
        return dict(national.hiring_channel_percents) if national is not None else {}

    def search_job_titles(self, query: str, limit: int = 10) -> list[JobTitleRecord]:
        return self._titles.search(query, limit)

    def counts(self) -> dict[str, int]:
        return {
            "job_groups": len(self._job_groups),
            "departements": len(self._departements),
            "regions": len(self._regions),
            "job_titles": len(self._titles),
            "market_facts": len(self._facts),
        }

    def _build_facts(
        self,
        stat: MarketStatRecord,
        national: JobGroupStatRecord | None,
        better: list[tuple[str, float]],
        stats: dict[tuple[str, str], MarketStatRecord],
    ) -> MarketFacts:
        """Département figures first; national job-group figures fill the gaps (and mark synthetic if they are)."""
        group = self._job_groups.get(stat.rome_code)
        channel, days, diplomas = stat.first_hiring_channel, stat.typical_unemployment_days, stat.diploma_requirements
        synthetic = stat.synthetic
        if national is not None:
            fills = (
                (not channel and national.first_hiring_channel)
                or (days is None and national.typical_unemployment_days is not None)
                or (not diplomas and national.diploma_requirements)
            )
            synthetic = synthetic or (bool(fills) and national.synthetic)
            channel = channel or national.first_hiring_channel
            days = days if days is not None else national.typical_unemployment_days
            diplomas = diplomas or national.diploma_requirements
        return MarketFacts(
            rome_code=stat.rome_code,
            departement_id=stat.departement_id,
            job_group_name=group.name if group else None,
            offers_per_10_candidates=stat.offers_per_10_candidates,
            diploma_requirements=[
                DiplomaRequirement(degree=s.degree, percent_offers=s.percent_offers) for s in diplomas
            ],
            first_hiring_channel=channel,
            typical_unemployment_days=days,
            related_rome_codes=list(self._related.get(stat.rome_code, ())),
            better_departements=[dep for dep, _ in better],
            better_related_jobs=self._better_related(stat, stats),
            better_departement_markets=[
                PlaceMarket(departement_id=dep, offers_per_10_candidates=offers) for dep, offers in better
            ],
            contract_mix=[
                ContractShare(contract=share.contract, percent_offers=share.percent_offers)
                for share in stat.contract_mix
            ],
            hiring_projects=stat.hiring_projects,
            difficult_hiring_percent=stat.difficult_hiring_percent,
            seasonal_hiring_percent=stat.seasonal_hiring_percent,
            synthetic=synthetic,
        )

    def _better_related(
        self, stat: MarketStatRecord, stats: dict[tuple[str, str], MarketStatRecord]
    ) -> list[JobMarket]:
        """Close job groups whose market here is known and has strictly more offers per candidate, best first."""
        own = stat.offers_per_10_candidates
        if own is None:
            return []
        better = []
        for code in self._related.get(stat.rome_code, ()):
            other = stats.get((stat.departement_id, code))
            offers = None if other is None else other.offers_per_10_candidates
            if offers is not None and offers > own:
                group = self._job_groups.get(code)
                better.append(JobMarket(rome_code=code, name=group.name if group else None,
                                        offers_per_10_candidates=offers))
        better.sort(key=lambda job: (-job.offers_per_10_candidates, job.rome_code))
        return better[:MAX_BETTER_RELATED]


def _related_codes(job_groups: dict[str, JobGroupRecord]) -> dict[str, tuple[str, ...]]:
    by_prefix: dict[str, list[str]] = {}
    for code in sorted(job_groups):
        by_prefix.setdefault(code[:RELATED_PREFIX_LENGTH], []).append(code)
    return {
        code: tuple(other for other in by_prefix[code[:RELATED_PREFIX_LENGTH]] if other != code) for code in job_groups
    }


def _better_departements(
    stats: Iterable[MarketStatRecord], departements: dict[str, DepartementRecord]
) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """For each stat with a known figure: up to 3 départements of its region with more offers, best first."""
    by_region_and_job: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for stat in stats:
        dep = departements.get(stat.departement_id)
        if dep is None or stat.offers_per_10_candidates is None:
            continue
        by_region_and_job.setdefault((dep.region_id, stat.rome_code), []).append(
            (stat.offers_per_10_candidates, stat.departement_id)
        )
    better: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for (_, rome_code), figures in by_region_and_job.items():
        ranked = sorted(figures, key=lambda figure: (-figure[0], figure[1]))
        for offers, dep_id in figures:
            better[(dep_id, rome_code)] = [
                (other, value) for value, other in ranked if value > offers
            ][:MAX_BETTER_DEPARTEMENTS]
    return better
