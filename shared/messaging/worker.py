"""The worker runtime: a Faust app tuned for low latency, explicit topics and fast test restarts, with metrics."""

from __future__ import annotations

import gc
import logging

import faust
from prometheus_client import start_http_server

from shared.messaging.access import MECHANISM, KafkaAccess
from shared.messaging.contracts import Topic
from shared.settings import ServiceSettings


def broker_credentials(access: KafkaAccess) -> faust.SASLCredentials | None:
    """The principal for Faust's consumer and producer (its consumer group is the app id)."""
    if access.username is None:
        return None
    return faust.SASLCredentials(
        username=access.username, password=access.password, mechanism=MECHANISM, ssl_context=access.ssl_context()
    )


def create_faust_app(app_id: str, settings: ServiceSettings) -> faust.App:
    access = settings.kafka
    return faust.App(
        app_id,
        broker=f"kafka://{access.bootstrap_servers}",
        broker_credentials=broker_credentials(access),
        store="memory://",
        autodiscover=False,
        # Topics come from the registry and are created at start-up, never by Faust.
        topic_allow_declare=False,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=0.5,
        broker_commit_every=500,
        # The defaults (60 s) block a restarted worker that long; we restart often in tests.
        broker_session_timeout=10.0,
        broker_heartbeat_interval=1.0,
        broker_rebalance_timeout=20.0,
        stream_wait_empty=False,
        producer_linger=0.005,
        producer_acks=-1,
        web_enabled=False,
    )


def source_topic(app: faust.App, spec: Topic) -> faust.TopicT:
    """A raw-bytes topic: the envelope is parsed by the handler so bad records can be dead-lettered."""
    return app.topic(
        spec.name, partitions=spec.partitions, key_type=bytes, value_type=bytes,
        key_serializer="raw", value_serializer="raw",
    )


def tune_gc() -> None:
    """Call once caches are loaded. Batches make little cyclic garbage, but the default thresholds run full
    collections that walk every live object (caches, model, batch) again and again: measured 5-10x slower
    event processing (benchmarks/hot_path.py). Freeze what start-up loaded and collect far less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def run_worker(app: faust.App, settings: ServiceSettings) -> None:
    """Start the worker with Prometheus metrics on their own port (the Faust web server stays off)."""
    start_http_server(settings.worker_metrics_port, addr=settings.http_host)
    tune_gc()
    # At start Faust replaces the root logger's handlers with its own text format, dropping the JSON lines and
    # their fields (trace ids): hand it the handlers shared.logs configured and leave the rest as it is.
    app.conf.loghandlers = list(logging.root.handlers)
    keep = {"version": 1, "incremental": True}
    faust.Worker(app, loglevel=settings.log_level, quiet=True, logging_config=keep).execute_from_commandline()
