"""Static checks of the web client (web/): every string exists in both languages, the enumerations match the
API's, nothing defeats the Content-Security-Policy or builds HTML from strings, and the colours keep a 4.5:1
contrast. What needs a browser (labels, keyboard, layout) is checked by tests/browser."""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from typing import get_args

import pytest

from deploy.local.paths import REPO
from shared.auth.tokens import Role
from shared.referential.parsers import imt_application_modes, imt_employment_types
from shared.schemas import profile
from shared.schemas.diagnosis import ChallengeId, TrainStatus
from shared.schemas.followup import Helped, Scores, Situation
from shared.schemas.pledges import DocumentKind, Kind, ReviewChanged

WEB = REPO / "web"
STRINGS: dict[str, dict[str, str]] = json.loads((WEB / "strings.json").read_text())
VENDOR = WEB / "vendor"
# Ours: the vendored libraries are third-party code, checked by their digests instead.
SCRIPTS = sorted(p for p in WEB.rglob("*.js") if not p.is_relative_to(VENDOR))
VENDORED = {  # web/vendor/uplot/README.md: uPlot 1.6.32 from the npm registry, MIT
    "uplot/uPlot.esm.js": "5dd9b3281aa64b461b42d9945f6adb2649d346502b12281a9ae0d46599a80eba",
    "uplot/uPlot.min.css": "df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04",
}
SOURCES = {path.relative_to(WEB).as_posix(): path.read_text() for path in [*SCRIPTS, WEB / "index.html"]}
NAMESPACES = {key.split(".")[0] for key in STRINGS}
# Keys built at run time from a value (`enum.${name}.${value}`); each family is checked for completeness below.
DYNAMIC_PREFIXES = (
    "enum.", "challenge.", "train.", "review.state.", "helper.state.", "doc.", "pledge.", "domain.", "lang.",
    "situation.",
    "survey.feature.", "survey.score.", "survey.score_", "survey.nps_", "advice.priority_", "role.",
    "unsubscribe.intro_", "market.channel_", "market.contract_", "market.via_",
)


def static_keys() -> dict[str, set[str]]:
    """Every i18n key written literally in the client, with the files using it."""
    found: dict[str, set[str]] = {}
    for name, text in SOURCES.items():
        if name == "sw.js":  # the service worker shows no text; its file names ('app.js') are not keys
            continue
        literals = re.findall(r"'([^'\\\n]*)'", text) + re.findall(r'data-i18n(?:-[a-z-]+)?="([^"]+)"', text)
        for literal in literals:
            if re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_-]+)+", literal) and literal.split(".")[0] in NAMESPACES:
                found.setdefault(literal, set()).add(name)
    return found


def test_vendored_files_are_the_published_ones_with_their_licence() -> None:
    for name, digest in VENDORED.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
        assert (VENDOR / name).parent.joinpath("LICENSE").is_file()
    assert {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.suffix in {".js", ".css"}} == set(VENDORED)


def test_every_string_has_both_languages() -> None:
    incomplete = [key for key, entry in STRINGS.items() if set(entry) != {"fr", "en"} or not all(entry.values())]
    assert incomplete == []


def test_placeholders_match_between_languages() -> None:
    def names(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", text))

    assert [key for key, entry in STRINGS.items() if names(entry["fr"]) != names(entry["en"])] == []


def test_no_string_is_defined_twice() -> None:
    """json.loads keeps the last of two equal keys: a merge that adds a key twice would hide one text silently."""
    pairs = json.loads((WEB / "strings.json").read_text(), object_pairs_hook=lambda items: [k for k, _ in items])
    assert sorted({key for key in pairs if pairs.count(key) > 1}) == []


def test_every_key_used_exists() -> None:
    missing = {key: sorted(files) for key, files in static_keys().items() if key not in STRINGS}
    assert missing == {}


def test_every_string_is_used() -> None:
    used = static_keys()
    unused = [key for key in STRINGS if key not in used and not key.startswith(DYNAMIC_PREFIXES)]
    assert unused == []


def _enums_js() -> dict[str, list[str]]:
    text = (WEB / "enums.js").read_text()
    return {name: re.findall(r"'([A-Za-z0-9_-]+)'", body) for name, body in re.findall(r"(\w+): \[([^\]]*)\]", text)}


PROFILE_ENUMS = {
    name: cls for name, cls in vars(profile).items()
    if isinstance(cls, type) and issubclass(cls, StrEnum) and cls is not StrEnum
}


def test_the_client_enumerations_are_the_profile_schema_ones() -> None:
    client = _enums_js()
    assert set(client) == set(PROFILE_ENUMS)
    for name, members in client.items():
        assert members == [m.value for m in PROFILE_ENUMS[name]], name


def _family(prefix: str, values: object, suffixes: tuple[str, ...] = ("",)) -> list[str]:
    return [f"{prefix}{value}{suffix}" for value in values for suffix in suffixes]  # type: ignore[attr-defined]


@pytest.mark.parametrize("keys", [
    pytest.param([f"enum.{name}.{m.value}" for name, cls in PROFILE_ENUMS.items() for m in cls], id="profile enums"),
    pytest.param(_family("challenge.", [c.value for c in ChallengeId], (".title", ".text")), id="challenges"),
    pytest.param(_family("train.", [s.value for s in TrainStatus]), id="train"),
    pytest.param(_family("review.state.", get_args(ReviewChanged.model_fields["state"].annotation)), id="reviews"),
    pytest.param(_family("doc.", get_args(DocumentKind)), id="documents"),
    pytest.param(_family("pledge.", get_args(Kind)) + _family("pledge.", get_args(Kind), (".hint",)), id="pledges"),
    pytest.param(_family("domain.", "ABCDEFGHIJKLMN"), id="ROME domains"),
    pytest.param(_family("situation.", [s.value for s in Situation]), id="situations"),
    pytest.param(_family("survey.helped_", [h.value for h in Helped]), id="helped"),
    pytest.param(_family("survey.score.", list(Scores.model_fields)), id="scores"),
    pytest.param(_family("role.", [r.value for r in Role]), id="roles"),
    pytest.param(_family("market.channel_", imt_application_modes.CHANNELS.values()), id="hiring channels"),
    pytest.param(_family("market.via_", imt_application_modes.CHANNELS.values()), id="first hiring channels"),
    pytest.param(_family("market.contract_", imt_employment_types.CONTRACTS.values()), id="contracts"),
])
def test_every_value_shown_has_a_label(keys: list[str]) -> None:
    assert [key for key in keys if key not in STRINGS] == []


def test_nothing_builds_html_from_strings() -> None:
    risky = re.compile(r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(")
    assert [name for name, text in SOURCES.items() if name.endswith(".js") and risky.search(text)] == []


def test_the_page_needs_no_inline_script_or_style() -> None:
    """The gateway's policy is default-src 'self': inline code would be refused by the browser."""
    html = (WEB / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"\sstyle=|\son[a-z]+=", html) == []
    assert "<style" not in html
    assert [name for name, text in SOURCES.items() if re.search(r"setAttribute\('style'|\.style\.", text)] == []


def test_every_module_imported_exists() -> None:
    for path in SCRIPTS:
        for target in re.findall(r"from '(\.[^']+)'", path.read_text()):
            assert (path.parent / target).resolve().is_file(), f"{path.name} imports {target}"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_keep_a_contrast_of_4_5() -> None:
    css = (WEB / "styles.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6});", css))
    white = "#ffffff"
    pairs: dict[str, tuple[str, str]] = {
        "text on page": ("text", colours["bg"]), "text on card": ("text", white),
        "muted on page": ("muted", colours["bg"]), "muted on card": ("muted", white),
        "link": ("primary", white), "button": (white, colours["primary"]),
        "button hover": (white, colours["primary-dark"]), "error": ("error", white), "ok": ("ok", white),
        "danger button": (white, colours["error"]),
        "ok badge": ("ok", "#e6f4ea"), "attention badge": ("error", "#fdecea"), "muted badge": ("muted", "#eef0f3"),
        "notice": ("text", "#e8edfb"), "secondary hover": ("primary-dark", "#e8edfb"),
    }
    weak: dict[str, float] = {}
    for name, (fg, bg) in pairs.items():
        ratio = _contrast(colours.get(fg, fg), colours.get(bg, bg))
        if ratio < 4.5:
            weak[name] = round(ratio, 2)
    assert weak == {}
