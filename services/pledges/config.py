"""Settings of the pledges service (environment prefix PLEDGES_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class PledgesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PLEDGES_")

    service_name: str = "pledges"
    mongo_db: str = "bob_pledges"
    http_port: int = 8104
    worker_metrics_port: int = 9104
    # Uploads: the gateway allows 6 MB; documents themselves stay under 5 MB (one BinData field).
    max_body_bytes: int = 5_500_000
    max_document_bytes: int = 5_000_000
    unsubscribe_link_ttl_days: float = 365
    review_timeout_seconds: float = 7 * 24 * 3600
    timeout_scan_seconds: float = 30  # a safety net (matching is event-driven); FerretDB scans cost
    figures_interval_seconds: float = 60.0  # the Bob Action gauges (metrics.py) are recounted this often
    relay_scan_seconds: float = 0.3
