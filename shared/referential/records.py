"""Typed records the parsers yield and the cache serves: plain frozen dataclasses, no DB."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class JobGroupRecord:
    """One ROME job group ("fiche"), e.g. M1607 Secrétariat, and where it sits in the domain tree."""

    rome_code: str
    name: str
    code_ogr: str = ""
    domain_letter: str = ""  # "M": the first letter of the code
    domain_name: str = ""  # "Support à l'entreprise"
    subdomain_code: str = ""  # "M16": the first three characters
    subdomain_name: str = ""  # "Secrétariat et assistance"


@dataclass(frozen=True)
class DomainRecord:
    """A node of the ROME tree: a letter (A–N, "grand domaine") or a 3-char domain such as "M16"."""

    code: str
    name: str
    parent_code: str  # "" for a letter


@dataclass(frozen=True)
class JobTitleRecord:
    """A precise job title ("appellation"), e.g. 10200 Abatteur / Abatteuse de carrière."""

    code_ogr: str
    name: str
    short_name: str
    rome_code: str


@dataclass(frozen=True)
class RegionRecord:
    region_id: str
    name: str
    prefecture_city_code: str = ""


@dataclass(frozen=True)
class DepartementRecord:
    departement_id: str
    name: str
    region_id: str
    prefecture_city_code: str = ""


@dataclass(frozen=True)
class FapMapping:
    """DARES crosswalk: a ROME code belongs to a FAP-2009 job family for `weight` qualification levels."""

    rome_code: str
    fap_code: str
    weight: int  # number of qualification levels mapped; a direct (all-levels) mapping counts 10


@dataclass(frozen=True)
class DiplomaShare:
    degree: str  # a shared.schemas.profile.Degree value
    percent_offers: float


@dataclass(frozen=True)
class ContractShare:
    contract: str  # CDI, CDD_SHORT (<= 3 months), CDD_LONG, INTERIM
    percent_offers: float


@dataclass(frozen=True)
class MarketStatRecord:
    """Figures for one (département, job group); None = unknown."""

    departement_id: str
    rome_code: str
    offers_per_10_candidates: float | None
    source: str
    synthetic: bool = False
    first_hiring_channel: str | None = None
    typical_unemployment_days: int | None = None
    diploma_requirements: tuple[DiplomaShare, ...] = ()
    contract_mix: tuple[ContractShare, ...] = ()  # IMT employment types: share of offers per contract
    # BMO survey, for the job group's FAP family in the département: hiring projects, and the shares of them
    # employers judge difficult and seasonal.
    hiring_projects: float | None = None
    difficult_hiring_percent: float | None = None
    seasonal_hiring_percent: float | None = None


@dataclass(frozen=True)
class JobGroupStatRecord:
    """National figures for one job group (hiring channels come per FAP family, not per département)."""

    rome_code: str
    source: str
    synthetic: bool = False
    first_hiring_channel: str | None = None
    hiring_channel_percents: dict[str, float] = field(default_factory=dict)
    typical_unemployment_days: int | None = None
    diploma_requirements: tuple[DiplomaShare, ...] = ()


@dataclass(frozen=True)
class TensionRecord:
    """IMT market tension for one (département, job group): offers per 10 candidates (0 = no offers)."""

    departement_id: str
    rome_code: str
    offers_per_10_candidates: float
    source: str
