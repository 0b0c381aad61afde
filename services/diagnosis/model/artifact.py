"""Where the trained employability model lives, and its version."""

from __future__ import annotations

from pathlib import Path

MODEL_VERSION = "employability-v1"
MODEL_DIR = Path(__file__).resolve().parent
ARTIFACT_PATH = MODEL_DIR / "artifacts" / f"{MODEL_VERSION}.joblib"
MODEL_CARD_PATH = MODEL_DIR / "MODEL_CARD.md"
