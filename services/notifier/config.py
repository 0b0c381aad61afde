"""Settings of the notifier (environment prefix NOTIFIER_)."""

from __future__ import annotations

from pydantic import EmailStr, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import Environment, ServiceSettings


class NotifierSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFIER_")

    service_name: str = "notifier"
    mongo_db: str = "bob_notifier"
    worker_metrics_port: int = 9106
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    mail_from: str = "Bob Action <action@bob.example.org>"
    # The operators' mailbox: what they must act on (operator.alerts) is mailed there. Required in prod.
    operator_email: EmailStr | None = None
    retry_scan_seconds: float = 5
    # Bulk emails sent at once; the thread pool (8) keeps the rest for urgent ones (sign-in links).
    bulk_sends_at_once: int = 4
    send_attempts: int = 3
    send_pause_seconds: float = 0.2  # doubled after each failed attempt
    # A SENDING claim this old belongs to a notifier that died mid-send: the retry scan sends it again (with the same
    # Message-ID). Longer than a send's attempts can last (send_attempts SMTP timeouts of 10 s).
    stale_claim_seconds: float = 300

    @model_validator(mode="after")
    def _operators_reachable_in_prod(self) -> NotifierSettings:
        if self.operator_email is None and self.environment is Environment.PROD:
            raise ValueError("notifier: operator_email must be set in prod")
        return self
