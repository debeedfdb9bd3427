"""Types of the compiled field reader (``_field_columns.c``); see ``backplan._columns``."""

from collections.abc import Sequence
from typing import Any

def columns(items: Sequence[Any], names: tuple[str, ...]) -> list[list[Any]]: ...
