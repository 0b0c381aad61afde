"""Where the local platform keeps its tools and state (all under the git-ignored .local/)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / ".local"
KAFKA_LIBS = LOCAL / "kafka-libs"
FERRETDB_BIN = LOCAL / "bin" / "ferretdb"
DEPLOY = REPO / "deploy"
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
