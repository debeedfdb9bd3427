"""Types of the compiled builder of plain actions (``_plain_actions.c``); see
``backplan.models.fast``."""

from typing import Any

def build(
    cls: type, rows: tuple[Any, ...], fields: tuple[tuple[Any, ...], ...]
) -> tuple[list[Any], list[int]]: ...
