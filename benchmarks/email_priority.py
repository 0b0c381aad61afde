"""Sign-in links behind a bulk backlog: `python -m benchmarks.email_priority [--bulk 10000] [--signins 20]`.

Starts the platform (Kafka, FerretDB, the SMTP sink, the profile API, the notifier, the gateway) on free ports,
queues `--bulk` help-offer emails on `notification.requested` (sealed to their recipients' keys, as pledges writes
them), then, while they drain, asks a sign-in link through the gateway every `--every` seconds. Prints, from the
sink's Maildir: each sign-in email's time from the request to its arrival (p50, max), how many bulk emails were
still to go at that moment, and the bulk drain rate (emails/s from first to last)."""

from __future__ import annotations

import argparse
import mailbox
import statistics
import time
import uuid

import httpx

from benchmarks.pipeline import fresh_platform
from deploy.local.smtp_sink import read_messages
from services.profile.config import ProfileSettings
from shared.crypto.keystore import KekRing, KeyStore, collection
from shared.messaging.factory import EventFactory
from shared.messaging.kafka import make_producer, send
from shared.schemas.notification import Notification
from shared.topics import NOTIFICATIONS

PLEDGES = EventFactory("pledges", "https://bob.example")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bulk", type=int, default=10_000)
    parser.add_argument("--signins", type=int, default=20)
    parser.add_argument("--every", type=float, default=3.0)
    args = parser.parse_args()
    platform = fresh_platform()
    try:
        platform.start_services(only=frozenset({"profile-api", "notifier-worker"}))
        keys = KeyStore(collection(ProfileSettings(mongo_url=platform.config.mongo_url)),
                        KekRing.from_settings(ProfileSettings()))
        people = [uuid.uuid4().hex for _ in range(args.bulk)]
        sealing = {p: k for start in range(0, len(people), 500)
                   for p, k in keys.ensure_many(people[start:start + 500]).items()}
        batch = f"bulk-{uuid.uuid4().hex[:8]}"
        producer = make_producer(platform.kafka("pledges"))
        for i, person in enumerate(people):
            note = Notification(idempotency_key=f"{batch}:{i}", recipient_id=person, to=f"{batch}-{i}@example.org",
                                subject="Une offre d'aide", text="Une personne propose de relire votre CV.",
                                category="help-offer")
            _, event = PLEDGES.event(NOTIFICATIONS.event_types[0], person, note.sealed(sealing[person]),
                                     entity=note.idempotency_key)
            send(producer, NOTIFICATIONS.name, event)
        producer.flush(120)
        producer.close()
        print(f"queued {args.bulk} bulk emails")

        asked: dict[str, float] = {}
        with httpx.Client(base_url=platform.config.gateway_url, timeout=10) as client:
            for n in range(args.signins):
                email = f"hurry-{n}-{uuid.uuid4().hex[:6]}@example.org"
                asked[email] = time.time()
                assert client.post("/api/v1/auth/magic-link", json={"email": email}).status_code == 202
                time.sleep(args.every)
        deadline = time.time() + 3600
        while time.time() < deadline:
            messages = read_messages(platform.config.maildir)
            bulk = sorted(float(m.get_date()) for m in messages if str(m["X-Bob-Idempotency-Key"]).startswith(batch))
            arrived = {str(m["To"]): m for m in messages if str(m["To"]) in asked}
            if len(bulk) >= args.bulk and len(arrived) == len(asked):
                break
            time.sleep(2)
        report(asked, arrived, bulk, args.bulk)
    finally:
        platform.down()


def report(asked: dict[str, float], arrived: dict[str, mailbox.MaildirMessage], bulk: list[float],
           total: int) -> None:
    waits, behind = [], []
    for email, at in asked.items():
        message = arrived.get(email)
        if message is None:
            continue
        received = message.get_date()
        waits.append(received - at)
        behind.append(total - sum(1 for t in bulk if t <= received))
    print(f"sign-in emails: {len(waits)} of {len(asked)} arrived; request → inbox p50 "
          f"{statistics.median(waits):.2f} s, max {max(waits):.2f} s; bulk emails still to go when each arrived: "
          f"min {min(behind)}, max {max(behind)}")
    if len(bulk) > 1:
        print(f"bulk: {len(bulk)} of {total} sent in {bulk[-1] - bulk[0]:.0f} s, "
              f"{(len(bulk) - 1) / (bulk[-1] - bulk[0]):.1f} emails/s")


if __name__ == "__main__":
    main()
