"""Types of the compiled field reader (``_field_columns.c``); see ``backplan._columns``."""

from typing import Any

def columns(items: tuple[Any, ...], names: tuple[str, ...]) -> list[list[Any]]: ...
