"""The platform's contracts: event envelope and schemas, topics, settings, Kafka/Mongo helpers, metrics."""
