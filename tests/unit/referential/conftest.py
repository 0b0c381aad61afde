"""Shared fixtures: the official sample files live beside the repository, in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA_DIR.is_dir():
        pytest.skip(f"official sample files not found in {DATA_DIR}")
    return DATA_DIR


@pytest.fixture(scope="session")
def rome_dir(data_dir: Path) -> Path:
    return data_dir / "rome"


@pytest.fixture(scope="session")
def geo_dir(data_dir: Path) -> Path:
    return data_dir / "geo"


@pytest.fixture(scope="session")
def imt_dir(data_dir: Path) -> Path:
    return data_dir / "imt"
