"""``python -m backplan``: the command line."""

from backplan.cli import run

run()
