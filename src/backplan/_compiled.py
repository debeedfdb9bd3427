"""The optional compiled parts: each C file ``setup.py`` builds, or None where it was not.

The install compiles them when a C compiler is there and goes on without them otherwise
(``optional=True``); the code that uses one runs its Python twin then, with the same result.
:data:`COMPILED_MODULES` names them all (the tests require each where CI asks for them).

Example:
    >>> compiled("backplan.no_such_part") is None
    True
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["COMPILED_MODULES", "compiled"]

#: Every compiled part, as ``setup.py`` builds it.
COMPILED_MODULES = (
    "backplan.scheduling._sgs",  # the levelled scheduler's decoder
    "backplan.graph._ref_numbers",  # after ids to node numbers
    "backplan._field_columns",  # the actions' fields, a list per field
    "backplan._json_rows",  # a schedule's action rows as JSON text
    "backplan.models._plain_actions",  # plain actions built from plan data
    "backplan.scheduling._precedence",  # a large plan's network and its two passes
)


def compiled(name: str) -> ModuleType | None:
    """The compiled module ``name``, or None when the install did not build it."""
    try:
        return importlib.import_module(name)
    except ImportError:  # installed without a C compiler
        return None
