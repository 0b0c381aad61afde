from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from shared.referential.cli import app
from shared.referential.seed_files import SEED_DIR


def test_build_seed_regenerates_the_committed_files(data_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build-seed", "--data", str(data_dir), "--out", str(tmp_path)])

    assert result.exit_code == 0, result.output
    built = sorted(path.name for path in tmp_path.iterdir())
    assert built == sorted(path.name for path in SEED_DIR.iterdir() if path.suffix in (".csv", ".json"))
    for name in built:
        assert (tmp_path / name).read_bytes() == (SEED_DIR / name).read_bytes(), name


def test_cli_lists_its_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])

    assert result.exit_code == 0
    for command in ("import-rome", "import-geo", "import-imt", "seed", "all", "build-seed"):
        assert command in result.output
