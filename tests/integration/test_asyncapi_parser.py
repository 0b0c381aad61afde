"""The published AsyncAPI document, checked by the official AsyncAPI parser (Node.js, installed with npm into the
git-ignored .local/npm when missing). Not a unit test: it installs and runs another toolchain."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.messaging import catalogue
from tests.support import npm_modules

ASYNCAPI_PARSER = ("@asyncapi/parser", "3.6.3")
# Parses the document as the official parser does (resolving the schema files it references) and prints the result.
VALIDATE = """
const { Parser, fromFile } = require('@asyncapi/parser');
fromFile(new Parser(), process.env.ASYNCAPI_DOCUMENT).parse().then(({ document, diagnostics }) => {
  console.log(JSON.stringify({ parsed: document !== undefined, diagnostics: diagnostics.map(d => (
    { severity: d.severity, code: d.code, message: d.message, path: d.path.join('/') })) }));
}, error => { console.error(error); process.exit(2); });
"""
ERROR = 0  # the parser's (Spectral's) severities: 0 error, 1 warning, 2 information, 3 hint


@pytest.fixture(scope="module")
def asyncapi_parser() -> Path:
    """The node_modules folder holding the official AsyncAPI parser."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to validate the AsyncAPI document with the official parser")
    return npm_modules(*ASYNCAPI_PARSER)


def test_the_asyncapi_document_is_valid_for_the_official_parser(asyncapi_parser: Path) -> None:
    result = subprocess.run(
        ["node", "-e", VALIDATE], capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NODE_PATH": str(asyncapi_parser),
             "ASYNCAPI_DOCUMENT": str(catalogue.PUBLISHED / catalogue.ASYNCAPI)},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    errors = [d for d in report["diagnostics"] if d["severity"] == ERROR]
    assert not errors, json.dumps(errors, indent=2)
    assert report["parsed"]
