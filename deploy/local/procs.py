"""Background processes with pid files and log files, stopped cleanly in reverse start order."""

from __future__ import annotations

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

    def stop_all(self, timeout: float = 20.0) -> None:
        for pid_file in sorted(self.run_dir.glob("*.pid"), reverse=True):
            _terminate(int(pid_file.read_text()), timeout)
            pid_file.unlink(missing_ok=True)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.logs_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        # A zombie child of ours counts as gone.
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _terminate(pid: int, timeout: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while _alive(pid):
        time.sleep(0.05)
