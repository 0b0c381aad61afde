"""Settings of the pledges service (environment prefix PLEDGES_)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class PledgesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PLEDGES_")

    service_name: str = "pledges"
    mongo_db: str = "bob_pledges"
    http_port: int = 8104
    worker_metrics_port: int = 9104
    # The worker and the notifier both export metrics: 0 means worker_metrics_port + 100.
    notifier_metrics_port: int = 0
    # Uploads: the gateway allows 6 MB; documents themselves stay under 5 MB (one BinData field).
    max_body_bytes: int = 5_500_000
    max_document_bytes: int = 5_000_000
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_from: str = "Bob Action <action@bob.example.org>"
    unsubscribe_link_ttl_days: float = 365
    review_timeout_seconds: float = 7 * 24 * 3600
    timeout_scan_seconds: float = 30  # a safety net (matching is event-driven); FerretDB scans cost
    relay_idle_seconds: float = 0.3
    notifier_retry_scan_seconds: float = 5
    notifier_send_attempts: int = 3

    @property
    def notifier_metrics(self) -> int:
        return self.notifier_metrics_port or self.worker_metrics_port + 100
