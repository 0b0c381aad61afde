"""What the partners service holds about a person, for their GDPR requests: the partners that received their
pseudonymised data (the recipients GDPR lets them know of) and the deliveries logged, then their erasure. Erasing
keeps the erasure notices queued for the partners: those must still go. Synchronous: call through run_sync."""

from __future__ import annotations

from typing import Any

from services.partners.adapters.store import Store
from services.partners.domain import feed
from services.partners.service import Book
from shared.mongo import as_utc


def lanes(book: Book, person_id: str) -> dict[str, str]:
    """The person's pseudonym at each partner (their webhook lane)."""
    return {partner.name: feed.pseudonym(key, person_id) for partner, key in book.partners}


def export_person(store: Store, book: Book, person_id: str) -> dict[str, Any]:
    mine = lanes(book, person_id)
    received = {str(d["_id"]): d for d in store.recipients_of([f"{n}:{p}" for n, p in mine.items()])}
    titles = {partner.name: partner for partner, _ in book.partners}
    return {
        "partners": [
            {"partner": name, "title": titles[name].title, "contact": titles[name].contact, "pseudonym": pseudonym,
             "since": as_utc(received[f"{name}:{pseudonym}"]["at"]).isoformat()}
            for name, pseudonym in sorted(mine.items()) if f"{name}:{pseudonym}" in received
        ],
        "deliveries": [
            {"partner": d["partner"], "type": d["type"], "status": d["status"],
             "created_at": as_utc(d["created_at"]).isoformat()}
            for d in store.deliveries_in_lanes(list(mine.values()))
        ],
    }


def erase_person(store: Store, book: Book, person_id: str) -> dict[str, int]:
    """Counts per collection. The recipients go once their erasure notices are queued (the worker's Erasures)."""
    return {"log": store.erase_lanes(list(lanes(book, person_id).values()), keep_type=feed.ERASED)}
