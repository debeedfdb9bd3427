"""Look an item up by its id in a result's tuple (``Schedule.action``, ``Load.person``, ...).

Example:
    >>> from collections import namedtuple
    >>> Row = namedtuple("Row", "id value")
    >>> find((Row("a", 1), Row("b", 2)), "id", "b", "row").value
    2
    >>> find((Row("a", 1),), "id", "z", "row")
    Traceback (most recent call last):
    ...
    KeyError: "no row 'z'"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

__all__ = ["find"]

T = TypeVar("T")


def find(items: Iterable[T], field: str, wanted: str, what: str) -> T:
    """The first of ``items`` whose ``field`` is ``wanted``.

    Raises:
        KeyError: none is; the message names ``what`` was looked for (``no person 'ana'``).
    """
    for item in items:
        if getattr(item, field) == wanted:
            return item
    raise KeyError(f"no {what} {wanted!r}")
