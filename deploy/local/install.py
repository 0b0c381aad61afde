"""Installs what the local platform needs when it is missing: Kafka jars, the FerretDB binary, nginx (and Chromium
for the browser tests)."""

from __future__ import annotations

import os
import shutil
import subprocess

from deploy.local.paths import DEPLOY, FERRETDB_BIN, KAFKA_LIBS

MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"


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
    source = DEPLOY / "ferretdb"
    newest_source = max(p.stat().st_mtime for p in source.iterdir() if p.suffix in {".go", ".mod", ".sum"})
    if FERRETDB_BIN.exists() and FERRETDB_BIN.stat().st_mtime >= newest_source:
        return
    FERRETDB_BIN.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["go", "build", "-o", str(FERRETDB_BIN), "."],
        cwd=source, check=True, env={**_env(), "CGO_ENABLED": "0"},
    )


def ensure_nginx() -> None:
    if nginx_binary():
        return
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    env = {**_env(), "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)


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


def _env() -> dict[str, str]:
    return dict(os.environ)
