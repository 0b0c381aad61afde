"""MongoDB documents of the referential database (alias "referential"), one collection each.

`_id` is the natural key (FerretDB only uses `_id` to find a document without a full scan), and the
natural-key fields also carry unique indexes, so upserts never duplicate. FerretDB-compatible: no TTL/text indexes,
no dotted keys. Importers write with pymongo (bulk upserts); services read through ReferentialCache.
"""

from __future__ import annotations

from typing import Any

import mongoengine as me  # type: ignore[import-untyped]

from shared.referential.connection import REFERENTIAL_ALIAS


def key_of(document: dict[str, Any], key_fields: tuple[str, ...]) -> str:
    """The `_id` of a referential document: its natural key ("M1607", or "31:M1607" for a market stat)."""
    return ":".join(str(document[field]) for field in key_fields)


def _meta(collection: str, *unique_keys: str, indexes: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "db_alias": REFERENTIAL_ALIAS,
        "collection": collection,
        "indexes": [{"fields": list(unique_keys), "unique": True}, *indexes],
        "strict": False,  # a newer importer may add fields; older readers must not fail
        # Readers may only read (shared/database_access.py): the importer creates the indexes (ensure_indexes).
        "auto_create_index": False,
    }


class Domain(me.Document):  # type: ignore[misc]
    """A letter (A–N) or a 3-char domain ("M16") of the ROME tree."""

    id = me.StringField(primary_key=True)
    code = me.StringField(required=True)
    name = me.StringField(required=True)
    parent_code = me.StringField(default="")
    meta = _meta("domains", "code")


class JobGroup(me.Document):  # type: ignore[misc]
    id = me.StringField(primary_key=True)
    rome_code = me.StringField(required=True, regex=r"^[A-N]\d{4}$")
    name = me.StringField(required=True)
    code_ogr = me.StringField(default="")
    domain_letter = me.StringField(default="")
    domain_name = me.StringField(default="")
    subdomain_code = me.StringField(default="")
    subdomain_name = me.StringField(default="")
    meta = _meta("job_groups", "rome_code")


class JobTitle(me.Document):  # type: ignore[misc]
    id = me.StringField(primary_key=True)
    code_ogr = me.StringField(required=True)
    name = me.StringField(required=True)
    short_name = me.StringField(default="")
    rome_code = me.StringField(required=True)
    meta = _meta("job_titles", "code_ogr", indexes=("rome_code",))


class Region(me.Document):  # type: ignore[misc]
    id = me.StringField(primary_key=True)
    region_id = me.StringField(required=True)
    name = me.StringField(required=True)
    prefecture_city_code = me.StringField(default="")
    meta = _meta("regions", "region_id")


class Departement(me.Document):  # type: ignore[misc]
    id = me.StringField(primary_key=True)
    departement_id = me.StringField(required=True)
    name = me.StringField(required=True)
    region_id = me.StringField(required=True)
    prefecture_city_code = me.StringField(default="")
    meta = _meta("departements", "departement_id", indexes=("region_id",))


class DiplomaShare(me.EmbeddedDocument):  # type: ignore[misc]
    degree = me.StringField(required=True)
    percent_offers = me.FloatField(min_value=0, max_value=100)


class ContractShare(me.EmbeddedDocument):  # type: ignore[misc]
    contract = me.StringField(required=True)
    percent_offers = me.FloatField(min_value=0, max_value=100)


class MarketStat(me.Document):  # type: ignore[misc]
    """Figures for one (département, job group). offers_per_10_candidates: None = unknown, 0 = no offers."""

    id = me.StringField(primary_key=True)
    departement_id = me.StringField(required=True)
    rome_code = me.StringField(required=True)
    offers_per_10_candidates = me.FloatField(min_value=0, null=True)
    first_hiring_channel = me.StringField(null=True)
    typical_unemployment_days = me.IntField(min_value=0, null=True)
    diploma_requirements = me.EmbeddedDocumentListField(DiplomaShare)
    contract_mix = me.EmbeddedDocumentListField(ContractShare)
    hiring_projects = me.FloatField(min_value=0, null=True)
    difficult_hiring_percent = me.FloatField(min_value=0, max_value=100, null=True)
    seasonal_hiring_percent = me.FloatField(min_value=0, max_value=100, null=True)
    synthetic = me.BooleanField(default=False)  # True for the demo seed, never official statistics
    source = me.StringField(required=True)
    meta = _meta("market_stats", "departement_id", "rome_code", indexes=("rome_code",))


class JobGroupStat(me.Document):  # type: ignore[misc]
    """National figures for one job group, used where a département row lacks them."""

    id = me.StringField(primary_key=True)
    rome_code = me.StringField(required=True)
    first_hiring_channel = me.StringField(null=True)
    hiring_channel_percents = me.DictField()  # channel → percent of hires
    typical_unemployment_days = me.IntField(min_value=0, null=True)
    diploma_requirements = me.EmbeddedDocumentListField(DiplomaShare)
    synthetic = me.BooleanField(default=False)
    source = me.StringField(required=True)
    meta = _meta("job_group_stats", "rome_code")


# The fields of each document's natural key, joined by ":" into its `_id`.
NATURAL_KEYS: dict[type[me.Document], tuple[str, ...]] = {
    Domain: ("code",),
    JobGroup: ("rome_code",),
    JobTitle: ("code_ogr",),
    Region: ("region_id",),
    Departement: ("departement_id",),
    MarketStat: ("departement_id", "rome_code"),
    JobGroupStat: ("rome_code",),
}
