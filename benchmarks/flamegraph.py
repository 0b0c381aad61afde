"""Flame graphs of processes under load, for benchmarks/gateway_load.py: py-spy samples Python processes, perf
samples the others (FerretDB, a Go binary without a debug endpoint when embedded). Both become folded stacks
("root;...;leaf count"), drawn here as one SVG (Debian packages no flame-graph renderer) and summed up as the
frames that hold the most samples, so the README can say where the time goes."""

from __future__ import annotations

import hashlib
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from deploy.local.paths import VENV_PYTHON

PY_SPY = VENV_PYTHON.parent / "py-spy"
Folded = Counter[str]


def record_python(pid: int, out: Path) -> subprocess.Popen[bytes]:
    # Non-blocking: pausing the process at each sample would slow the very service being measured. Only the
    # thread holding the GIL: the CPU the interpreter spends, not the pool's threads waiting on FerretDB.
    argv = [str(PY_SPY), "record", "-p", str(pid), "-r", "100", "--nonblocking", "--gil", "--nolineno", "-f", "raw",
            "-o", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def record_native(pid: int, out: Path) -> subprocess.Popen[bytes]:
    # Frame pointers suffice: Go keeps them on amd64, and the kernel's frames show the system calls' share.
    argv = ["perf", "record", "-F", "99", "-g", "-p", str(pid), "-o", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(recorder: subprocess.Popen[bytes]) -> None:
    """Both recorders write their output when interrupted."""
    recorder.send_signal(signal.SIGINT)
    recorder.wait(timeout=120)


def read_folded(path: Path) -> Folded:
    folded: Folded = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        folded[stack] += int(count)
    return folded


def perf_folded(data: Path) -> Folded:
    """`perf script` prints each sample as a header line then its frames, leaf first, one per indented line."""
    text = subprocess.run(["perf", "script", "-i", str(data), "-F", "comm,ip,sym"], check=True,
                          capture_output=True, text=True).stdout
    folded: Folded = Counter()
    for sample in text.split("\n\n"):
        frames = [line.split(maxsplit=1)[-1] for line in sample.splitlines() if line[:1] in {"\t", " "}]
        if frames:
            folded[";".join(reversed(frames))] += 1
    return folded


def top_frames(folded: Folded, n: int = 12) -> list[tuple[str, float, float]]:
    """(frame, share of samples with it on the stack, share with it as the leaf), by the first share."""
    total = sum(folded.values()) or 1
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    for stack, count in folded.items():
        frames = stack.split(";")
        for frame in set(frames):  # once per sample, however deep the recursion
            inclusive[frame] += count
        leaf[frames[-1]] += count
    return [(frame, count / total, leaf[frame] / total) for frame, count in inclusive.most_common(n)]


@dataclass
class _Node:
    samples: int = 0
    children: dict[str, _Node] = field(default_factory=dict)


WIDTH, ROW, FONT_PX = 1200, 16, 11
CHAR_PX = FONT_PX * 0.6  # a monospace character's width


def svg(folded: Folded, title: str) -> str:
    """The root at the bottom, callees above; each frame's width is its share of the samples (hover for it)."""
    root = _Node()
    for stack, count in folded.items():
        node = root
        node.samples += count
        for frame in stack.split(";"):
            node = node.children.setdefault(frame, _Node())
            node.samples += count
    depth = _depth(root)
    height = (depth + 3) * ROW
    scale = WIDTH / (root.samples or 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="monospace" '
             f'font-size="{FONT_PX}"><rect width="100%" height="100%" fill="#fafafa"/>'
             f'<text x="4" y="{ROW}">{escape(title)} ({root.samples} samples)</text>']

    def draw(name: str, node: _Node, x: float, level: int) -> None:
        width = node.samples * scale
        if width < 0.5:  # too thin to see; its samples stay in its parent's width
            return
        y = height - (level + 1) * ROW
        share = 100 * node.samples / root.samples
        fits = int((width - 4) / CHAR_PX)
        short = _short(name)
        label = short if len(short) <= fits else short[: fits - 2] + ".."
        parts.append(f'<g><title>{escape(name)} ({node.samples} samples, {share:.1f}%)</title>'
                     f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{ROW - 1}" fill="{_colour(name)}"/>'
                     + (f'<text x="{x + 2:.1f}" y="{y + ROW - 4}">{escape(label)}</text>' if fits > 3 else "")
                     + "</g>")
        for child_name, child in sorted(node.children.items()):
            draw(child_name, child, x, level + 1)
            x += child.samples * scale

    x = 0.0
    for name, child in sorted(root.children.items()):
        draw(name, child, x, 0)
        x += child.samples * scale
    return "".join(parts) + "</svg>\n"


def _short(name: str) -> str:
    """Without directories ("pkg.Func" for Go, "func (file.py)" for py-spy): the tooltip keeps the full name."""
    function, space, where = name.partition(" (")
    return function.rsplit("/", 1)[-1] + space + where.rsplit("/", 1)[-1]


def _depth(node: _Node) -> int:
    return 1 + max((_depth(child) for child in node.children.values()), default=0)


def _colour(name: str) -> str:
    """Warm colours, stable per frame name, so the same function looks the same across graphs."""
    digest = hashlib.blake2s(name.encode(), digest_size=2).digest()
    return f"rgb({205 + digest[0] % 50},{80 + digest[1] % 130},{40 + digest[0] % 40})"
