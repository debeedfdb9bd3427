"""``python -m backplan``: the command line."""

from backplan.cli import main

raise SystemExit(main())
