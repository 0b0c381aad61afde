"""Background processes with pid files and log files, stopped cleanly in reverse start order.

Each process's command line, environment overrides and directory are kept beside its pid file (0600: the
environment holds passwords), so the supervisor (deploy/local/supervisor.py) can start it again as it was."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: the child gets SIGTERM when the process that started it dies (a killed test run leaks nothing)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(frozen=True)
class Spec:
    """How a process was started: enough to start it again."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None


class ProcessGroup:
    def __init__(self, state_dir: Path, die_with_parent: bool = False) -> None:
        self.die_with_parent = die_with_parent
        self.run_dir = state_dir / "run"
        self.logs_dir = state_dir / "logs"
        # Beside run/, not in it: run/*.pid are the supervised processes.
        self.supervisor_pid_file = state_dir / "supervisor.pid"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
        """Start `name` (its pid file keeps its place in the start order when it was started before)."""
        pid_file = self.pid_file(name) or self.run_dir / f"{len(list(self.run_dir.glob('*.pid'))):02d}-{name}.pid"
        spec = Spec(argv, env or {}, str(cwd) if cwd is not None else None)
        fd = os.open(pid_file.with_suffix(".json"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(asdict(spec), out)
        return self.spawn(name, spec, pid_file).pid

    def spawn(self, name: str, spec: Spec, pid_file: Path) -> subprocess.Popen[bytes]:
        log = (self.logs_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            spec.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **spec.env}, cwd=spec.cwd, start_new_session=True,
            preexec_fn=die_with_parent if self.die_with_parent else None,
        )
        log.close()
        # Whole or not at all: the supervisor and `make status` read pid files while they are written.
        written = pid_file.with_name(pid_file.name + ".tmp")
        written.write_text(str(proc.pid))
        os.replace(written, pid_file)
        return proc

    def pid_file(self, name: str) -> Path | None:
        return next(iter(self.run_dir.glob(f"[0-9][0-9]-{name}.pid")), None)

    def specs(self) -> dict[str, tuple[Path, Spec]]:
        """Every process started here (alive or not), by name: its pid file and how to start it again."""
        found = {}
        for pid_file in sorted(self.run_dir.glob("*.pid")):
            spec_file = pid_file.with_suffix(".json")
            if spec_file.exists():
                found[pid_file.stem.split("-", 1)[1]] = (pid_file, Spec(**json.loads(spec_file.read_text())))
        return found

    def running(self) -> dict[str, int]:
        """Names and pids of the processes still alive."""
        found = {}
        for pid_file in sorted(self.run_dir.glob("*.pid")):
            pid = int(pid_file.read_text())
            if alive(pid):
                found[pid_file.stem.split("-", 1)[1]] = pid
        return found

    def exited(self, name: str) -> bool:
        pid_file = self.pid_file(name)
        return pid_file is None or not alive(int(pid_file.read_text()))

    def stop_all(self, timeout: float = 20.0, keep: frozenset[str] = frozenset(),
                 only: frozenset[str] | None = None) -> None:
        """SIGTERM every process (but those in `keep`; only those in `only` when given) at once, then wait for each;
        SIGKILL after `timeout`."""
        pid_files = [f for f in self.run_dir.glob("*.pid") if f.stem.split("-", 1)[1] not in keep
                     and (only is None or f.stem.split("-", 1)[1] in only)]
        pids = {f: int(f.read_text()) for f in pid_files}
        for pid in pids.values():
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for pid_file, pid in pids.items():
            _wait_gone(pid, deadline)
            pid_file.unlink(missing_ok=True)
            pid_file.with_suffix(".json").unlink(missing_ok=True)

    def supervisor_pid(self) -> int | None:
        """The supervisor's pid while it runs."""
        with contextlib.suppress(FileNotFoundError, ValueError):
            pid = int(self.supervisor_pid_file.read_text())
            if alive(pid):
                return pid
        return None

    def stop_supervisor(self, timeout: float = 10.0) -> None:
        """Before stopping or starting processes: it would start again what is being stopped, or race a start."""
        pid = self.supervisor_pid()
        if pid is not None:
            _signal(pid, signal.SIGTERM)
            _wait_gone(pid, time.monotonic() + timeout)
        self.supervisor_pid_file.unlink(missing_ok=True)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.logs_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def alive(pid: int) -> bool:
    """Running, not a zombie (whoever its parent is: `make stop` is not the parent of what `make run` started)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)  # reap it if it is our own child
        if done:
            return False
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def _wait_gone(pid: int, deadline: float) -> None:
    while alive(pid):
        if time.monotonic() > deadline:
            _signal(pid, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.05)
