"""Counts of what a parser read, kept and skipped (with reasons), so importers can report bad rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_EXAMPLES = 5


@dataclass
class ParseReport:
    source: str
    read: int = 0
    kept: int = 0
    ignored: int = 0  # well-formed rows this import does not use (not counted as bad)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # first few skipped lines, to debug a file

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skip(self, reason: str, line: int | str) -> None:
        self.skipped[reason] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"{self.source}:{line}: {reason}")

    def ignore(self) -> None:
        self.ignored += 1

    def merge(self, other: ParseReport) -> None:
        self.read += other.read
        self.kept += other.kept
        self.ignored += other.ignored
        self.skipped.update(other.skipped)
        self.examples.extend(other.examples[: MAX_EXAMPLES - len(self.examples)])

    def summary(self) -> str:
        reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(self.skipped.items()))
        ignored = f", ignored {self.ignored}" if self.ignored else ""
        return f"{self.source}: read {self.read}, kept {self.kept}{ignored}, skipped {self.skipped_total}" + (
            f" ({reasons})" if reasons else ""
        )
