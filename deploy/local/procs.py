"""Background processes with pid files and log files, stopped cleanly in reverse start order."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when the process that started it dies (a killed test run leaks nothing)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class ProcessGroup:
    def __init__(self, state_dir: Path, die_with_parent: bool = False) -> None:
        self.die_with_parent = die_with_parent
        self.run_dir = state_dir / "run"
        self.logs_dir = state_dir / "logs"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
        order = len(list(self.run_dir.glob("*.pid")))
        log = (self.logs_dir / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True,
            preexec_fn=_die_with_parent if self.die_with_parent else None,
        )
        log.close()
        (self.run_dir / f"{order:02d}-{name}.pid").write_text(str(proc.pid))
        return proc.pid

    def running(self) -> dict[str, int]:
        """Names and pids of the processes still alive."""
        alive = {}
        for pid_file in sorted(self.run_dir.glob("*.pid")):
            pid = int(pid_file.read_text())
            if _alive(pid):
                alive[pid_file.stem.split("-", 1)[1]] = pid
        return alive

    def exited(self, name: str) -> bool:
        for pid_file in self.run_dir.glob(f"*-{name}.pid"):
            return not _alive(int(pid_file.read_text()))
        return True

    def stop_all(self, timeout: float = 20.0, keep: frozenset[str] = frozenset()) -> None:
        """SIGTERM every process (but those in `keep`) at once, then wait for each; SIGKILL after `timeout`."""
        pid_files = [f for f in self.run_dir.glob("*.pid") if f.stem.split("-", 1)[1] not in keep]
        pids = {f: int(f.read_text()) for f in pid_files}
        for pid in pids.values():
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for pid_file, pid in pids.items():
            _wait_gone(pid, deadline)
            pid_file.unlink(missing_ok=True)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.logs_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _alive(pid: int) -> bool:
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
    while _alive(pid):
        if time.monotonic() > deadline:
            _signal(pid, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.05)
