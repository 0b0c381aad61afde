"""TEMPORARY: moved to shared/messaging/worker.py (this module goes once nothing imports it)."""

from shared.messaging.worker import create_faust_app, run_worker, source_topic, tune_gc, watch_consumer_lag

__all__ = ["create_faust_app", "run_worker", "source_topic", "tune_gc", "watch_consumer_lag"]
