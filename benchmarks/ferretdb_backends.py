"""FerretDB on SQLite against FerretDB on PostgreSQL, for the platform's access patterns (issue 12, item 3).

Starts the project's FerretDB wrapper on each backend with fresh data (SQLite files in a temporary folder; for
PostgreSQL, Debian's server started by hand on a free port in a temporary cluster, run as the `postgres` user when
this runs as root), fills one collection with ~2 KB documents keyed by deterministic `_id`s, and at each size
prints, per operation: the server CPU it cost (FerretDB's own; for PostgreSQL also the PostgreSQL processes'),
and the wall time seen by pymongo. Operations are those the platform runs: `insert_one`, `find_one` by `_id` (hit and
miss), `update_one` and `delete_one` by `_id`, `find` with `_id $in` of 50 ids, `insert_many` of 50, and a
concurrency probe (8 threads, each an `insert_one` then a `find_one` of what it inserted).

    python -m benchmarks.ferretdb_backends --sizes 1000,10000 [--ferretdb-bin /tmp/ferretdb-pg]

CPU comes from /proc (clock ticks of 10 ms): each operation runs until `--ops` or `--budget` seconds, whichever
comes first, so that the figures are sums over many ticks. The driver's own CPU is not counted.
"""

from __future__ import annotations

import contextlib
import glob
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pymongo
import typer
from pymongo.collection import Collection

from deploy.local import install
from deploy.local.paths import FERRETDB_BIN

cli = typer.Typer(add_completion=False)
INDEXED = "postgresql-indexed"  # PostgreSQL with the GIN index on FerretDB's _id lookups, and custom plans
BACKENDS = ("sqlite", "postgresql", INDEXED)
TICK = os.sysconf("SC_CLK_TCK")
BATCH = 50  # shared/mongo.py's MAX_WRITES_PER_COMMAND: FerretDB never answers a command of 100 writes
Doc = dict[str, Any]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def proc_cpu(pid: int, children: bool = False) -> float:
    """CPU seconds of a process (all its threads), with its reaped children's when asked."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # fields[0] is the state (field 3): utime, stime, cutime, cstime are fields 14-17.
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICK


def parent_of(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


class Server:
    """What runs behind pymongo: FerretDB, and the PostgreSQL postmaster for that backend."""

    def __init__(self, ferretdb: subprocess.Popen[bytes], postgres: PostgreSQL | None) -> None:
        self.ferretdb, self.postgres = ferretdb, postgres
        self.postmaster = postgres.postmaster if postgres else None

    def cpu(self) -> tuple[float, float]:
        """(FerretDB, PostgreSQL) CPU seconds so far. PostgreSQL's: the postmaster with its exited backends
        (reaped children) plus its live children."""
        ferret = proc_cpu(self.ferretdb.pid)
        if self.postmaster is None:
            return ferret, 0.0
        pg = proc_cpu(self.postmaster, children=True)
        for stat in glob.glob("/proc/[0-9]*/stat"):
            pid = int(stat.split("/")[2])
            if parent_of(pid) == self.postmaster:
                pg += proc_cpu(pid)
        return ferret, pg


# PostgreSQL, by hand


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise typer.BadParameter("no PostgreSQL server: apt-get install -y postgresql")
    return Path(found[-1]).parent


def as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as Debian's `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


# FerretDB 1.24's PostgreSQL backend finds by `_id` with `_jsonb->$1 @> $2` ($1 = '_id'), through pgx's cached
# prepared statements: its own unique index is a btree on `_jsonb->'_id'` (used by its UPDATE and DELETE ... WHERE
# _jsonb->'_id' = $2), which `@>` cannot use, and a generic plan cannot match any expression index on a parameter
# key. So every find by `_id` (and the query phase of each update and delete) reads the whole table. What makes it
# an index search: a GIN index on that expression, and custom plans (the key then is a constant).
ID_GIN = """CREATE INDEX IF NOT EXISTS "{index}" ON "{schema}"."{table}" USING gin ((_jsonb->'_id') jsonb_path_ops)"""
TABLES = ("SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') "
          "AND tablename NOT LIKE '\\_ferretdb\\_%'")


@dataclass
class PostgreSQL:
    bindir: Path
    port: int
    postmaster: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/ferretdb"

    def psql(self, sql: str) -> str:
        return subprocess.run(as_postgres([str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                                           "-U", "postgres", "-d", "ferretdb", "-AtF", " ", "-c", sql]),
                              capture_output=True, text=True, check=True).stdout

    def index_ids(self) -> list[str]:
        """The GIN index on `_jsonb->'_id'` in every collection's table; returns the tables."""
        tables = [line.split() for line in self.psql(TABLES).splitlines() if line.strip()]
        for schema, table in tables:
            self.psql(ID_GIN.format(index=f"{table}__id_gin", schema=schema, table=table))
        return [f"{schema}.{table}" for schema, table in tables]


@contextlib.contextmanager
def postgresql(root: Path, custom_plans: bool) -> Iterator[PostgreSQL]:
    """A throwaway cluster (trust auth on loopback) on a free port."""
    bindir, data, port = pg_bin(), root / "pg", free_port()
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    def run(*cmd: str) -> None:
        subprocess.run(as_postgres(list(cmd)), stdout=subprocess.DEVNULL, check=True)

    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "pg.log"), "-w", "start",
        "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
        + (" -c plan_cache_mode=force_custom_plan" if custom_plans else ""))
    try:
        run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "ferretdb")
        yield PostgreSQL(bindir, port, int((data / "postmaster.pid").read_text().split()[0]))
    finally:
        subprocess.run(as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, check=False)


@contextlib.contextmanager
def ferretdb(binary: Path, backend: str, root: Path) -> Iterator[tuple[Server, str]]:
    """FerretDB on a fresh store of that backend; yields the server and its MongoDB URL."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        postgres: PostgreSQL | None = None
        if backend.startswith("postgresql"):
            postgres = stack.enter_context(postgresql(root, custom_plans=backend == INDEXED))
            storage = ["-postgresql-url", postgres.url]
        else:
            storage = ["-data-dir", str(root / "sqlite")]
        log = stack.enter_context((root / f"ferretdb-{backend}.log").open("wb"))
        proc = subprocess.Popen([str(binary), "-listen", f"127.0.0.1:{port}", *storage],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            mongo_url = f"mongodb://127.0.0.1:{port}/?directConnection=true"
            deadline = time.monotonic() + 30
            while True:
                try:
                    client: pymongo.MongoClient[Doc]
                    with pymongo.MongoClient(mongo_url, serverSelectionTimeoutMS=500) as client:
                        client.admin.command("ping")
                    break
                except pymongo.errors.PyMongoError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"FerretDB ({backend}) did not start: see {log.name}") from None
                    time.sleep(0.2)
            yield Server(proc, postgres), mongo_url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# Documents and operations


def document(key: str, rng: random.Random) -> Doc:
    """About 2 KB of BSON shaped like a stored profile version: nested fields, lists, strings, numbers."""
    words = ["python", "kafka", "sales", "care", "logistics", "retail", "teaching", "nursing", "welding", "design"]
    return {
        "_id": key,
        "person_id": f"person-{rng.randrange(10**9):09d}",
        "version": rng.randrange(1, 20),
        "submitted_at": rng.randrange(1_700_000_000, 1_800_000_000),
        "status": rng.choice(["open", "done", "relayed"]),
        "profile": {
            "region": rng.choice(["north", "south", "east", "west"]),
            "age": rng.randrange(18, 67),
            "skills": [{"name": rng.choice(words), "level": rng.randrange(1, 6), "years": rng.randrange(0, 30)}
                       for _ in range(12)],
            "history": [{"role": " ".join(rng.choices(words, k=3)), "months": rng.randrange(1, 120),
                         "sector": rng.choice(words)} for _ in range(8)],
            "summary": " ".join(rng.choices(words, k=90)),
        },
        "sealed": rng.randbytes(400),
    }


@dataclass
class Row:
    size: int
    op: str
    n: int
    ferret_us: float
    pg_us: float
    wall_us: float
    note: str = ""


def measure(server: Server, size: int, op: str, calls: Iterator[Callable[[], object]], ops: int, budget: float,
            rows: list[Row], per: int = 1, note: str = "") -> None:
    """Runs calls one after the other until `ops` of them or `budget` seconds; `per` operations in each call."""
    f0, p0 = server.cpu()
    started = time.perf_counter()
    n = 0
    for call in calls:
        call()
        n += 1
        if n >= ops or time.perf_counter() - started > budget:
            break
    wall = time.perf_counter() - started
    f1, p1 = server.cpu()
    count = n * per
    rows.append(Row(size, op, count, 1e6 * (f1 - f0) / count, 1e6 * (p1 - p0) / count, 1e6 * wall / count, note))
    typer.echo(f"  {size:>7} {op:28} n={count:<5} {rows[-1].ferret_us:9.0f} {rows[-1].pg_us:9.0f} "
               f"{rows[-1].wall_us:9.0f} {note}")


def fill(coll: Collection[Doc], have: int, target: int, rng: random.Random) -> float:
    """Inserts base documents b-{have}.. up to b-{target - 1}, in commands of BATCH; returns seconds spent."""
    started = time.perf_counter()
    for first in range(have, target, BATCH):
        coll.insert_many([document(f"b-{i:07d}", rng) for i in range(first, min(first + BATCH, target))],
                         ordered=True)
    return time.perf_counter() - started


def run_size(server: Server, coll: Collection[Doc], size: int, ops: int, budget: float, threads: int,
             scan_max: int, rng: random.Random, rows: list[Row]) -> int:
    """Measures each operation on a collection of `size` base documents; returns how many documents it left."""
    def base() -> str:
        return f"b-{rng.randrange(size):07d}"

    docs = [document(f"n-{size}-{i:05d}", rng) for i in range(ops)]
    inserted: list[str] = []

    def insert(d: Doc) -> Callable[[], object]:
        inserted.append(d["_id"])
        return lambda: coll.insert_one(d)

    def fixed(fn: Callable[[], object]) -> Iterator[Callable[[], object]]:
        while True:
            yield fn

    for _ in range(3):  # warm the connections and FerretDB's metadata caches
        coll.find_one({"_id": base()})
    measure(server, size, "insert_one (~2 KB)", (insert(d) for d in docs), ops, budget, rows)
    measure(server, size, "find_one _id hit", fixed(lambda: coll.find_one({"_id": base()})), ops, budget, rows)
    measure(server, size, "find_one _id miss",
            fixed(lambda: coll.find_one({"_id": f"x-{rng.randrange(10**9)}"})), ops, budget, rows)
    measure(server, size, "update_one _id ($set)",
            fixed(lambda: coll.update_one({"_id": base()}, {"$set": {"status": "done"}, "$inc": {"version": 1}})),
            ops, budget, rows)
    to_delete = iter(list(inserted))
    measure(server, size, "delete_one _id", (partial(coll.delete_one, {"_id": k}) for k in to_delete),
            len(inserted), budget, rows)
    if size <= scan_max:
        measure(server, size, "find _id $in 50 (per call)",
                fixed(lambda: list(coll.find({"_id": {"$in": [base() for _ in range(50)]}}))), ops, budget, rows)
    left = len(inserted) - rows[-1].n  # those the budget left undeleted
    batches = [[document(f"m-{size}-{j:04d}-{i:02d}", rng) for i in range(BATCH)] for j in range(max(1, ops // 20))]
    measure(server, size, "insert_many 50 (per doc)", (partial(coll.insert_many, b) for b in batches),
            len(batches), budget, rows, per=BATCH)
    left += rows[-1].n
    return left + concurrency(server, coll, size, ops, budget, threads, rng, rows)


def concurrency(server: Server, coll: Collection[Doc], size: int, ops: int, budget: float, threads: int,
                rng: random.Random, rows: list[Row]) -> int:
    """`threads` clients at once, each an insert_one then a find_one by that _id; per pair."""
    per_thread = max(1, ops // threads)
    docs = [[document(f"c-{size}-{t}-{i:04d}", rng) for i in range(per_thread)] for t in range(threads)]
    done, missing, errors = [0] * threads, [0], [0]
    deadline = time.perf_counter() + budget
    lock = threading.Lock()

    def client(t: int) -> None:
        for d in docs[t]:
            try:
                coll.insert_one(d)
                if coll.find_one({"_id": d["_id"]}) is None:
                    with lock:
                        missing[0] += 1
            except pymongo.errors.PyMongoError:
                with lock:
                    errors[0] += 1
            done[t] += 1
            if time.perf_counter() > deadline:
                return

    f0, p0 = server.cpu()
    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.perf_counter() - started
    f1, p1 = server.cpu()
    pairs = sum(done)
    note = f"{pairs / wall:.0f} pairs/s; {errors[0]} errors, {missing[0]} not found"
    rows.append(Row(size, f"{threads} threads insert+find", pairs, 1e6 * (f1 - f0) / pairs,
                    1e6 * (p1 - p0) / pairs, 1e6 * wall / pairs, note))
    typer.echo(f"  {size:>7} {rows[-1].op:28} n={pairs:<5} {rows[-1].ferret_us:9.0f} {rows[-1].pg_us:9.0f} "
               f"{rows[-1].wall_us:9.0f} {note}")
    return pairs


def sqlite_index_note(root: Path) -> str:
    """Whether the wrapper's index on FerretDB's `_id` lookup expression is in the benchmark collection's table."""
    names: list[str] = []
    for file in (root / "sqlite").glob("*.sqlite"):
        with contextlib.closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as db:
            names += [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")]
    fixed = [n for n in names if n.endswith("__id_path")]
    return f"SQLite indexes on the _id lookup expression: {fixed or 'NONE (lookups scan)'}"


def table(results: dict[str, list[Row]]) -> None:
    backends = list(results)
    typer.echo("\nµs per operation (CPU of FerretDB [+ PostgreSQL] / wall seen by the client)")
    header = f"{'documents':>9}  {'operation':28}" + "".join(f"  {b + ' CPU':>16}  {b + ' wall':>16}"
                                                            for b in backends)
    typer.echo(header)
    keys = [(r.size, r.op) for r in results[backends[0]]]
    for size, op in keys:
        line = f"{size:>9,}  {op:28}"
        for b in backends:
            row = next((r for r in results[b] if (r.size, r.op) == (size, op)), None)
            if row is None:
                line += f"  {'-':>16}  {'-':>16}"
                continue
            cpu = f"{row.ferret_us:.0f}" + (f"+{row.pg_us:.0f}" if b.startswith("postgresql") else "")
            line += f"  {cpu:>16}  {row.wall_us:>16.0f}"
        typer.echo(line)
    for b in backends:
        for r in results[b]:
            if r.note:
                typer.echo(f"{b:10} {r.size:>7,} {r.op}: {r.note}")


@cli.command()
def main(
    sizes: str = typer.Option("1000,10000", help="documents already stored at each measuring point, ascending"),
    backends: str = typer.Option(",".join(BACKENDS), help=f"comma-separated, of: {', '.join(BACKENDS)}"),
    ops: int = typer.Option(200, help="operations per measurement, at most"),
    budget: float = typer.Option(4.0, help="seconds per measurement, at most"),
    threads: int = typer.Option(8, help="clients of the concurrency probe"),
    scan_max: int = typer.Option(10_000, help="no `_id $in` (a full scan on both backends) above this size"),
    ferretdb_bin: Path | None = typer.Option(None, help="FerretDB wrapper binary (default: the project's, built)"),
    keep: bool = typer.Option(False, help="keep the temporary data folder"),
) -> None:
    binary = ferretdb_bin or FERRETDB_BIN
    if ferretdb_bin is None:
        install.ensure_ferretdb()
    points = sorted(int(s) for s in sizes.split(","))
    results: dict[str, list[Row]] = {}
    for backend in [b.strip() for b in backends.split(",")]:
        if backend not in BACKENDS:
            raise typer.BadParameter(f"unknown backend {backend}")
        root = Path(tempfile.mkdtemp(prefix=f"ferretdb-{backend}-"))
        os.chmod(root, 0o755)
        rng = random.Random(12)  # the same documents and the same choices on each backend
        rows: list[Row] = []
        typer.echo(f"{backend}: data in {root}")
        typer.echo(f"  {'docs':>7} {'operation':28} {'n':7} {'FerretDB':>9} {'Postgres':>9} {'wall':>9}  (µs/op)")
        try:
            with ferretdb(binary, backend, root) as (server, url):
                client: pymongo.MongoClient[Doc]
                with pymongo.MongoClient(url, maxPoolSize=threads * 2) as client:
                    coll: Collection[Doc] = client["bench"]["docs"]
                    coll.insert_one({"_id": "created"})  # the collection exists (and its _id index fix runs)
                    time.sleep(1.5)
                    if backend == INDEXED and server.postgres:
                        typer.echo(f"  GIN index on _jsonb->'_id' in {server.postgres.index_ids()}")
                    base, extra = 0, 1
                    for size in points:
                        f0, p0 = server.cpu()
                        took = fill(coll, base, size, rng)
                        f1, p1 = server.cpu()
                        base = max(base, size)
                        typer.echo(f"  {base + extra:,} documents stored: filled in {took:.1f} s (FerretDB "
                                   f"{f1 - f0:.1f} s CPU, PostgreSQL {p1 - p0:.1f} s)")
                        extra += run_size(server, coll, size, ops, budget, threads, scan_max, rng, rows)
                if backend == "sqlite":
                    typer.echo(f"  {sqlite_index_note(root)}")
        finally:
            if not keep:
                shutil.rmtree(root, ignore_errors=True)
        results[backend] = rows
    table(results)


if __name__ == "__main__":
    cli()
