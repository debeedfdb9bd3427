"""Some fields of many objects, a list per field: a big plan's actions read in one pass.

Reading 100,000 pydantic models field by field costs a Python step per value; the loop is
compiled (``_field_columns.c``) where the install built it, and runs in Python otherwise, with
the same result.

Example:
    >>> from backplan.models import Action
    >>> actions = [Action(id="a", duration=2), Action(id="b", duration=1, after=("a",))]
    >>> field_columns(actions, ("id", "after"), compiled=False)
    [('a', 'b'), ((), ('a',))]
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter, itemgetter
from typing import Any

from backplan._compiled import compiled as compiled_module

__all__ = ["COMPILED_FIELD_COLUMNS", "field_columns"]


#: The compiled module (``backplan._field_columns``), or None where it was not built.
COMPILED_FIELD_COLUMNS = compiled_module("backplan._field_columns")

_INSTANCE_DICT = attrgetter("__dict__")


def field_columns(
    items: Sequence[Any], names: tuple[str, ...], *, compiled: bool = True
) -> list[Sequence[Any]]:
    """``[[item.__dict__[name] for item in items] for name in names]``: the values as the items
    hold them (a pydantic model's field values), read without attribute lookups.

    Each column is a list from the compiled loop, a tuple from the Python one.
    ``compiled=False`` runs the Python loop (the tests compare the two).

    Raises:
        KeyError: an item lacks a name.
    """
    if compiled and COMPILED_FIELD_COLUMNS is not None:
        return list(COMPILED_FIELD_COLUMNS.columns(tuple(items), names))
    if not names:
        return []
    if not items:
        return [() for _ in names]
    if len(names) == 1:
        return [tuple(map(itemgetter(names[0]), map(_INSTANCE_DICT, items)))]
    return list(zip(*map(itemgetter(*names), map(_INSTANCE_DICT, items)), strict=True))
