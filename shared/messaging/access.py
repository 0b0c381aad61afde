"""Who connects to Kafka, and where: the one value every client (kafka-python, aiokafka under Faust) is built from."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field, replace
from typing import Any

MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class KafkaAccess:
    """SASL/SCRAM-SHA-512 when a username is given, inside TLS when a CA file is given (the partner listener);
    neither for a broker that asks for nothing (a testcontainers broker)."""

    bootstrap_servers: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None

    @property
    def security_protocol(self) -> str:
        sasl = self.username is not None
        if self.ca_file:
            return "SASL_SSL" if sasl else "SSL"
        return "SASL_PLAINTEXT" if sasl else "PLAINTEXT"

    def as_user(self, username: str, password: str) -> KafkaAccess:
        return replace(self, username=username, password=password)

    def ssl_context(self) -> ssl.SSLContext | None:
        return ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None

    def client_config(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python's KafkaProducer, KafkaConsumer and KafkaAdminClient."""
        config: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers, "security_protocol": self.security_protocol,
        }
        if self.username is not None:
            config |= {
                "sasl_mechanism": MECHANISM, "sasl_plain_username": self.username,
                "sasl_plain_password": self.password,
            }
        if self.ca_file:
            config["ssl_cafile"] = self.ca_file
        return config
