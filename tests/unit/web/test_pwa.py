"""The installable app's static side: the manifest names icons that exist at their stated sizes, the page links
the manifest, and the service worker precaches every file of the client (a page added without being listed would
be missing offline)."""

from __future__ import annotations

import json
import re
import struct

from deploy.local.paths import REPO

WEB = REPO / "web"
MANIFEST = json.loads((WEB / "manifest.webmanifest").read_text())
WORKER = (WEB / "sw.js").read_text()
# Not part of the running client: docs, licences, the icons' SVG sources and the worker itself.
NOT_SHELL = {"README.md", "sw.js", "vendor/uplot/LICENSE", "vendor/uplot/README.md", "icons/icon.svg",
             "icons/maskable.svg"}


def png_size(path: str) -> tuple[int, int]:
    data = (WEB / path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    return width, height


def shell_list() -> list[str]:
    match = re.search(r"const SHELL = \[(.*?)\];", WORKER, re.S)
    assert match is not None
    return re.findall(r"'([^']+)'", match.group(1))


def test_the_manifest_makes_an_installable_app() -> None:
    assert MANIFEST["display"] == "standalone"
    assert MANIFEST["start_url"].startswith("./")
    assert MANIFEST["name"]
    assert len(MANIFEST["short_name"]) <= 12  # fits under a home-screen icon
    sizes = {icon["sizes"] for icon in MANIFEST["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in MANIFEST["icons"])
    for icon in MANIFEST["icons"]:
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert png_size(icon["src"]) == (width, height), icon["src"]


def test_the_page_links_the_manifest_and_its_icons() -> None:
    index = (WEB / "index.html").read_text()
    assert '<link rel="manifest" href="manifest.webmanifest">' in index
    apple = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', index)
    assert apple is not None
    assert png_size(apple.group(1)) == (180, 180)
    assert re.search(r'<meta name="theme-color" content="#[0-9a-f]{6}">', index)


def test_the_worker_precaches_every_file_of_the_client() -> None:
    files = {p.relative_to(WEB).as_posix() for p in WEB.rglob("*") if p.is_file()} - NOT_SHELL
    listed = shell_list()
    assert len(listed) == len(set(listed))
    assert set(listed) - {"./"} == files, "add new files of web/ to SHELL in web/sw.js"


def test_the_worker_keeps_no_personal_answer_but_the_offline_routes() -> None:
    # Only GET, only the listed routes, only with the person's choice, and never a mutation or a token route.
    assert "request.method !== 'GET'" in WORKER
    assert "X-Bob-Keep-Offline" in WORKER
    routes = re.search(r"const OFFLINE_ROUTES = \[(.*?)\];", WORKER, re.S)
    assert routes is not None
    assert "auth" not in routes.group(1)
    assert "accounts" not in routes.group(1)
