"""TEMPORARY: moved to shared/messaging/kafka.py (this module goes once nothing imports it)."""

from shared.messaging.kafka import ensure_topics, kafka_ready, make_producer, send

__all__ = ["ensure_topics", "kafka_ready", "make_producer", "send"]
