"""Renders the web client's app icons (web/icons/*.png, named in web/manifest.webmanifest) from their SVG sources
with Debian's headless Chromium: `python -m deploy.local.icons`. The PNGs are committed: run it after an SVG changes."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from deploy.local import install
from deploy.local.paths import REPO

ICONS = REPO / "web" / "icons"
# (source, size, output): phones want 192 and 512 pixels; the maskable one keeps its letter in the safe zone.
RENDERS = (("icon.svg", 192, "icon-192.png"), ("icon.svg", 512, "icon-512.png"),
           ("maskable.svg", 512, "maskable-512.png"), ("icon.svg", 180, "apple-touch-icon.png"))


def render(source: Path, size: int, output: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "icon.html"
        page.write_text(f'<html><body style="margin:0"><img src="{source.as_uri()}" width="{size}" height="{size}">'
                        "</body></html>")
        subprocess.run(
            [install.ensure_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--default-background-color=00000000", f"--user-data-dir={tmp}/profile",
             f"--window-size={size},{size}", f"--screenshot={output}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )


def main() -> None:
    for source, size, output in RENDERS:
        render(ICONS / source, size, ICONS / output)
        print(f"web/icons/{output}: {size}x{size}")


if __name__ == "__main__":
    main()
