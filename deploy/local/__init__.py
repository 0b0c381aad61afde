"""Runs the whole platform on one machine without Docker: Kafka (KRaft), FerretDB, nginx and the services."""
