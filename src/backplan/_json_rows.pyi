"""Types of the compiled row writer (``_json_rows.c``); see ``Schedule.to_json``."""

from collections.abc import Sequence

def rows_utf8(records: list[Sequence[object]], keys: tuple[str, ...], indent: int, level: int
              ) -> bytes | None: ...
