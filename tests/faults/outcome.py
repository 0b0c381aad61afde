"""What came out of a load: every accepted profile's advice, every promised email, and what came out twice. The
rows of the suite's table (printed at the end of the run, kept in README.md)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.local.smtp_sink import read_messages
from shared.messaging.kafka import KafkaAccess
from shared.topics import ADVICE_GENERATED, DIAGNOSIS_COMPLETED
from tests.faults.load import Accepted
from tests.scale_support import tally
from tests.support import access_token, bearer


@dataclass
class Row:
    scenario: str
    profiles_in: int = 0
    advice_out: int = 0
    emails_in: int = 0
    emails_out: int = 0
    duplicates: int = 0  # a second diagnosis or advice for a profile, a second distinct email to an address
    resent: int = 0  # the same email (same Message-ID) delivered again: one message to the mail client
    retries: int = 0  # the clients' retries (a 5xx, 409 or 429 answer, or a broken connection)
    down_seconds: float = 0.0  # from the fault's injection until it was over (the process answering again)
    recovery_seconds: float = 0.0  # from the fault's end until everything accepted came out
    note: str = ""
    unsettled: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.profiles_in - self.advice_out + self.emails_in - self.emails_out


ROWS: list[Row] = []

HEADER = ("scenario", "profiles in", "advice out", "emails in", "emails out", "lost", "duplicates", "resent",
          "client retries", "fault (s)", "drained after (s)", "note")


def table(rows: list[Row]) -> str:
    """Markdown: what the README keeps."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    for r in rows:
        cells = (r.scenario, r.profiles_in, r.advice_out, r.emails_in, r.emails_out, r.lost, r.duplicates,
                 r.resent, r.retries, f"{r.down_seconds:.0f}", f"{r.recovery_seconds:.0f}", r.note)
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def with_advice(gateway_url: str, profile_ids: list[str]) -> set[str]:
    """The profiles whose advice the person can read now."""
    ready = set()
    with httpx.Client(base_url=gateway_url, timeout=10) as client:
        for profile_id in profile_ids:
            try:
                answer = client.get(f"/api/v1/profiles/{profile_id}/advice",
                                    headers=bearer(access_token(profile_id)))
            except httpx.TransportError:
                continue
            if answer.status_code == 200 and answer.json()["status"] == "ready":
                ready.add(profile_id)
    return ready


def mailbox(maildir: Path, addresses: list[str]) -> dict[str, list[str]]:
    """The Message-IDs each address received (every copy the SMTP server took)."""
    wanted = {a.casefold() for a in addresses}
    received: dict[str, list[str]] = defaultdict(list)
    for message in read_messages(maildir):
        to = str(message["To"]).casefold()
        if to in wanted:
            received[to].append(str(message["Message-ID"]))
    return received


def drain(row: Row, accepted: Accepted, gateway_url: str, maildir: Path, since: float,
          timeout: float = 300.0) -> None:
    """Waits until every accepted profile has its advice and every promised email arrived (or `timeout`), and
    notes what came out and when (seconds after `since`, the fault's end)."""
    row.profiles_in, row.emails_in = len(accepted.profiles), len(accepted.sign_ins)
    waiting, ready = list(accepted.profiles), set[str]()
    deadline = time.monotonic() + timeout
    while True:
        ready |= with_advice(gateway_url, [p for p in waiting if p not in ready])
        mailed = mailbox(maildir, accepted.sign_ins)
        if (len(ready) == len(waiting) and len(mailed) == len(accepted.sign_ins)) or time.monotonic() > deadline:
            break
        time.sleep(1)
    row.recovery_seconds = max(0.0, time.monotonic() - since)
    row.advice_out, row.emails_out = len(ready), len(mailed)
    row.unsettled = sorted(set(waiting) - ready) + sorted(set(a.casefold() for a in accepted.sign_ins) - set(mailed))


def count_duplicates(row: Row, accepted: Accepted, kafka: KafkaAccess, maildir: Path) -> None:
    """A profile with more than one diagnosis or advice event (distinct event ids: a record written twice is the
    same event, which consumers skip), an address with more than one distinct email; and the copies of one email
    delivered again (same Message-ID)."""
    ids = set(accepted.profiles)
    row.duplicates = sum(len(tally(kafka, topic.name, ids).duplicated(ids))
                         for topic in (DIAGNOSIS_COMPLETED, ADVICE_GENERATED))
    for copies in mailbox(maildir, accepted.sign_ins).values():
        row.duplicates += len(set(copies)) - 1
        row.resent += len(copies) - len(set(copies))
