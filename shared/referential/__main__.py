"""`python -m shared.referential <command>`: see cli.py."""

from shared.referential.cli import app

app(prog_name="python -m shared.referential")
