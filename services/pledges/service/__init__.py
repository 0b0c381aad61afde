"""Use cases of Bob Action: load, apply the rules of `domain`, store through `adapters`, and add the events and
emails to the outbox. Synchronous (FerretDB through pymongo): the entrypoints call them through run_sync."""
