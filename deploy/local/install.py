"""Installs what the local platform needs when it is missing: Kafka jars, the FerretDB binary, nginx (and Chromium
for the browser tests)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from deploy.local.paths import DEPLOY, FERRETDB_BIN, KAFKA_LIBS, LOCAL

MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# The module the wrapper embeds, at the version its go.mod requires, patched with deploy/ferretdb/patches.
FERRETDB_MODULE = "github.com/FerretDB/FerretDB"
PATCHES = DEPLOY / "ferretdb" / "patches"
FERRETDB_BUILD = LOCAL / "build"


def ensure_kafka() -> None:
    if KAFKA_LIBS.is_dir() and any(KAFKA_LIBS.glob("kafka_2.13-*.jar")):
        return
    tmp = KAFKA_LIBS.with_name("kafka-libs.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(
        ["mvn", "-B", "-q", "-f", str(DEPLOY / "kafka" / "pom.xml"), f"{MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies",
         "-DincludeScope=runtime", f"-DoutputDirectory={tmp}"],
        check=True,
    )
    tmp.rename(KAFKA_LIBS)


def ensure_ferretdb() -> None:
    """Builds the binary unless it was built from these very sources and patches (a digest kept beside it)."""
    source = DEPLOY / "ferretdb"
    inputs = sorted(p for p in source.iterdir() if p.suffix in {".go", ".mod", ".sum"})
    inputs += sorted(PATCHES.glob("*.patch"))
    digest = hashlib.sha256(b"".join(p.name.encode() + b"\0" + p.read_bytes() for p in inputs)).hexdigest()
    built_from = FERRETDB_BIN.with_name("ferretdb.sources")
    if FERRETDB_BIN.exists() and built_from.exists() and built_from.read_text() == digest:
        return
    FERRETDB_BIN.parent.mkdir(parents=True, exist_ok=True)
    modfile = _patched_ferretdb(source)
    # Built beside, then renamed: a FerretDB still running from the old binary keeps it.
    fresh = FERRETDB_BIN.with_name("ferretdb.new")
    subprocess.run(
        ["go", "build", f"-modfile={modfile}", "-o", str(fresh), "."],
        cwd=source, check=True, env={**_env(), "CGO_ENABLED": "0"},
    )
    fresh.replace(FERRETDB_BIN)
    built_from.write_text(digest)


def _patched_ferretdb(source: Path) -> Path:
    """FerretDB's module with deploy/ferretdb/patches applied, under .local/build, and a go.mod that builds the
    wrapper against it (the wrapper's own go.mod stays upstream's, so `go build` there still works unpatched)."""
    env = {**_env(), "CGO_ENABLED": "0"}
    version = re.search(rf"^require {re.escape(FERRETDB_MODULE)} (\S+)$", (source / "go.mod").read_text(), re.M)
    if version is None:
        raise RuntimeError(f"deploy/ferretdb/go.mod does not require {FERRETDB_MODULE} on a line of its own")
    module = json.loads(subprocess.run(
        ["go", "mod", "download", "-json", f"{FERRETDB_MODULE}@{version[1]}"], cwd=source, check=True, env=env,
        capture_output=True, text=True,
    ).stdout)
    tree = FERRETDB_BUILD / "ferretdb"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(module["Dir"], tree)
    for path in [tree, *tree.rglob("*")]:  # the module cache is read-only
        path.chmod(path.stat().st_mode | 0o200)
    for patch in sorted(PATCHES.glob("*.patch")):
        subprocess.run(["patch", "-p1", "--quiet", "-d", str(tree), "-i", str(patch)], check=True)
    modfile = FERRETDB_BUILD / "go.mod"
    modfile.write_text((source / "go.mod").read_text() + f"\nreplace {FERRETDB_MODULE} => {tree}\n")
    shutil.copyfile(source / "go.sum", FERRETDB_BUILD / "go.sum")
    return modfile


def ensure_nginx() -> None:
    if nginx_binary():
        return
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    env = {**_env(), "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)


PROMETHEUS = "/usr/bin/prometheus"
PROMTOOL = "/usr/bin/promtool"
NGINX_EXPORTER = "/usr/bin/prometheus-nginx-exporter"


def ensure_monitoring() -> None:
    """Debian's Prometheus (with promtool) and nginx exporter. Their packaged services are not started: the
    platform runs its own instances on loopback."""
    if not (os.path.exists(PROMETHEUS) and os.path.exists(PROMTOOL) and os.path.exists(NGINX_EXPORTER)):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        env = {**_env(), "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "prometheus", "prometheus-nginx-exporter"], check=True,
                       env=env)


CHROMIUM = "/usr/bin/chromium"


def ensure_chromium() -> str:
    """Debian's Chromium, for the browser tests only (running the platform needs no browser)."""
    if not os.path.exists(CHROMIUM):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        env = {**_env(), "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return CHROMIUM


def ensure_wrk() -> str:
    """Debian's wrk, the load driver of the gateway benchmarks (running the platform needs none)."""
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        env = {**_env(), "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    return shutil.which("wrk") or "/usr/bin/wrk"


def nginx_binary() -> str | None:
    # /usr/sbin is not on every PATH (CI runs with a minimal environment).
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def ensure_all() -> None:
    ensure_kafka()
    ensure_ferretdb()
    ensure_nginx()
    ensure_monitoring()


def _env() -> dict[str, str]:
    return dict(os.environ)
