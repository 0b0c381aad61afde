"""`python -m shared.referential <command>`: import the official files or the bundled seed, with progress bars."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from shared.referential import importer
from shared.referential.bulk_upsert import ProgressCallback
from shared.referential.connection import DEFAULT_DB_NAME, DEFAULT_MONGO_URL, MONGO_URL_ENV, connect_referential

app = typer.Typer(
    help="Load the read-only referential (ROME, INSEE, IMT, demo seed) into MongoDB.", no_args_is_help=True
)
console = Console()

MongoUrl = Annotated[
    str,
    typer.Option("--mongo-url", help=f"MongoDB URL (default: ${MONGO_URL_ENV} or {DEFAULT_MONGO_URL})."),
]
DbName = Annotated[str, typer.Option("--db", help="Database name.")]
Folder = Annotated[Path, typer.Argument(exists=True, file_okay=False, dir_okay=True, resolve_path=True)]


def _data_option(help_text: str) -> Any:
    return typer.Option("--data", exists=True, file_okay=False, resolve_path=True, help=help_text)


def _default_url() -> str:
    return os.environ.get(MONGO_URL_ENV, DEFAULT_MONGO_URL)


@contextmanager
def _progress() -> Iterator[ProgressCallback]:
    tasks: dict[str, TaskID] = {}
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=False) as progress:

        def advance(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=max(total, 1) if total else 1)
            if not total:
                progress.update(tasks[step], completed=1)

        yield advance


def _print(reports: list[importer.StepReport]) -> None:
    """A compact table of counts, then one line per step with its skip reasons and notes."""
    table = Table(title="Referential import")
    for column in ("step", "read", "imported", "new", "changed", "skipped", "in db"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for report in reports:
        stored = bool(report.collection)
        table.add_row(
            report.step,
            str(report.parse.read),
            str(report.imported) if stored else "-",
            str(report.written.inserted) if stored else "-",
            str(report.written.updated) if stored else "-",
            str(report.parse.skipped_total),
            str(report.stored) if stored else "-",
        )
    console.print(table)
    for report in reports:
        reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(report.parse.skipped.items()))
        details = "; ".join(part for part in (f"skipped {reasons}" if reasons else "", report.note) if part)
        if details:
            console.print(f"[bold]{report.step}[/bold] ({report.parse.source}): {details}")


def _run(url: str, db: str, job: Callable[[ProgressCallback], list[importer.StepReport]]) -> None:
    connect_referential(url or _default_url(), db)
    with _progress() as progress:
        reports = job(progress)
    _print(reports)


@app.command("import-rome")
def import_rome(directory: Folder, mongo_url: MongoUrl = "", db: DbName = DEFAULT_DB_NAME) -> None:
    """ROME v347 job groups, domain tree and job titles from DIRECTORY."""
    _run(mongo_url, db, lambda progress: importer.import_rome(directory, progress))


@app.command("import-geo")
def import_geo(directory: Folder, mongo_url: MongoUrl = "", db: DbName = DEFAULT_DB_NAME) -> None:
    """INSEE regions and départements (TSV) from DIRECTORY."""
    _run(mongo_url, db, lambda progress: importer.import_geo(directory, progress))


@app.command("import-imt")
def import_imt(
    directory: Folder,
    rome_dir: Annotated[
        Path | None, typer.Option(help="Folder holding the FAP crosswalk (passage_fap2009_romev3.txt).")
    ] = None,
    mongo_url: MongoUrl = "",
    db: DbName = DEFAULT_DB_NAME,
) -> None:
    """IMT market tension and hiring channels from DIRECTORY (run import-rome and import-geo first)."""
    _run(mongo_url, db, lambda progress: importer.import_imt(directory, rome_dir, progress))


@app.command("seed")
def seed(mongo_url: MongoUrl = "", db: DbName = DEFAULT_DB_NAME) -> None:
    """The bundled demo seed: ~60 job groups, their common titles, all départements, SYNTHETIC market figures."""
    _run(mongo_url, db, lambda progress: importer.import_seed(progress=progress))


@app.command("all")
def import_all(
    data: Annotated[Path, _data_option("Holds rome/, geo/ and imt/.")],
    mongo_url: MongoUrl = "",
    db: DbName = DEFAULT_DB_NAME,
) -> None:
    """import-rome, import-geo then import-imt on DATA/rome, DATA/geo and DATA/imt."""
    _run(mongo_url, db, lambda progress: importer.import_all(data, progress))


@app.command("build-seed")
def build_seed(
    data: Annotated[Path, _data_option("Holds rome/ and geo/.")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: the bundled seed folder).")] = None,
) -> None:
    """Regenerate the bundled seed files (deterministic; market figures are synthetic). No database needed."""
    from shared.referential import seed_builder, seed_files

    counts = seed_builder.build_seed(data, out or seed_files.SEED_DIR)
    for name, count in counts.items():
        console.print(f"{name}: {count} rows")
