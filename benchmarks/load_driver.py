"""The gateway benchmarks' load driver: Debian's wrk with benchmarks/wrk/profiles.lua, so that the platform, not
the driver, uses the machine. Python only writes the requests before the clock starts (each profile with its own
job seeker's token, minted as the local platform's dev key signs them) and reads wrk's results after it."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from deploy.local import install
from shared.auth.keys import DEV_KEY_ID, dev_private_key
from shared.auth.tokens import Principal, Role, TokenSigner
from shared.schemas.profile import ProfileIn

SCRIPT = Path(__file__).parent / "wrk" / "profiles.lua"


@dataclass(frozen=True)
class Submission:
    """One POST /api/v1/profiles: the profile id is the job seeker's account id, the token's subject."""

    profile_id: str
    token: str
    body: str


@dataclass
class Drive:
    """What wrk saw: send and answer times (time.perf_counter's clock) of the accepted profiles, answers per
    status, socket errors, and wrk's own CPU seconds."""

    sent: dict[bytes, float] = field(default_factory=dict)
    answered: dict[bytes, float] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0

    @property
    def refused(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 201)

    @property
    def accepted_per_second(self) -> float:
        """Accepted profiles over the time from the first send to the last accepted answer."""
        if not self.answered:
            return 0.0
        return len(self.answered) / (max(self.answered.values()) - min(self.sent.values()))


def submissions(profiles: list[ProfileIn]) -> list[Submission]:
    """One new job seeker per profile, each with a token valid for an hour."""
    signer = TokenSigner(DEV_KEY_ID, dev_private_key())
    now = dt.datetime.now(dt.UTC)
    found = []
    for profile in profiles:
        seeker = Principal(sub=uuid.uuid4().hex, roles=frozenset({Role.JOB_SEEKER}))
        body = json.dumps(profile.model_dump(mode="json"), separators=(",", ":"))  # one line: no raw tab or newline
        found.append(Submission(seeker.sub, signer.access_token(seeker, dt.timedelta(hours=1), now), body))
    return found


def drive(url: str, batch: list[Submission], rate: float, connections: int = 64) -> Drive:
    """POST each submission once through `url` at `rate` per second; returns when every answer is in (or after
    three times the planned duration, at least a minute)."""
    wrk = install.ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="bob-wrk-") as tmp:
        requests, results = Path(tmp) / "requests.tsv", Path(tmp) / "results.tsv"
        requests.write_text("".join(f"{s.profile_id}\t{s.token}\t{s.body}\n" for s in batch))
        limit = max(60, int(3 * len(batch) / rate))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{limit}s", "--timeout", "30s", "-s", str(SCRIPT), url, "--",
             str(requests), str(rate)],
            env={**os.environ, "BENCH_RESULTS": str(results)}, check=True, stdout=subprocess.DEVNULL,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = _read(results.read_text())
    result.cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


def _read(text: str) -> Drive:
    result = Drive()
    sent: dict[bytes, float] = {}
    for line in text.splitlines():
        kind, name, value = line.split("\t")
        if kind == "sent":
            sent[name.encode()] = float(value)
        elif kind == "accepted":
            result.answered[name.encode()] = float(value)
        elif kind == "status":
            result.statuses[int(name)] = int(value)
        elif int(value):
            result.errors[name] = int(value)
    result.sent = {key: sent[key] for key in result.answered}
    return result
