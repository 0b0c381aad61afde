"""The event backbone, in one place: the envelope, the contract registry, the event factory, the Kafka binding,
tracing, the transactional outbox with its relay, and the consumer base every worker uses."""
