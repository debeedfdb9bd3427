"""Types of the compiled builder of plain actions (``_plain_actions.c``); see
``backplan.models.fast``."""

from typing import Any

def build(
    cls: type, rows: tuple[Any, ...], fields: tuple[tuple[Any, ...], ...],
    collect: tuple[int, ...] = ...,
) -> tuple[list[Any], list[int], tuple[tuple[Any, ...], ...] | None]: ...
