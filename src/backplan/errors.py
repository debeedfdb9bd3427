"""The one exception tree of backplan, and the stable problem codes.

::

    BackplanError
    ├── PlanError (also ValueError)            a plan that cannot be used; ``.problems``
    │   ├── PlanFileError                      the file cannot be read or parsed
    │   ├── PlanValidationError                the content breaks the schema or the rules
    │   └── CheckInError                       check-ins cannot be read or do not fit the plan
    ├── InfeasibleScheduleError (also ValueError)   ``Schedule.raise_if_infeasible()``
    ├── ScheduleRangeError (also ValueError)   dates fall outside year 1..9999
    ├── PlanBusyError                          another edit holds the plan file; try again
    └── MissingExtraError (also ImportError)   an optional extra is not installed

Every :class:`Problem` carries a stable ``code`` (see :data:`PROBLEM_CODES`), the id of the
item the user wrote (never a list position), the field, a message and a hint on how to fix it.
This module imports nothing from backplan.

Example:
    >>> p = Problem(code="unknown-id", item="tag-repeats", field="after",
    ...             message="'export-dta' is not an action or milestone id",
    ...             hint="did you mean 'export-data'?")
    >>> print(p)
    tag-repeats.after: 'export-dta' is not an action or milestone id (did you mean 'export-data'?) [unknown-id]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "PROBLEM_CODES",
    "BackplanError",
    "CheckInError",
    "InfeasibleScheduleError",
    "MissingExtraError",
    "PlanBusyError",
    "PlanError",
    "PlanFileError",
    "PlanValidationError",
    "Problem",
    "ScheduleRangeError",
]

#: Stable codes for problems in plans, with what each means. Docs and tests name these.
PROBLEM_CODES: dict[str, str] = {
    "file-not-found": "the plan file does not exist or cannot be read",
    "encoding": "the file is not valid UTF-8 text",
    "syntax": "the file is not valid YAML or JSON",
    "unsafe-yaml": "the YAML uses a tag that would construct objects, or aliases that expand too far",
    "duplicate-key": "a mapping gives the same key twice",
    "not-a-mapping": "the document, or an item, is not a mapping of fields",
    "unknown-field": "a key the schema does not know (usually a typo)",
    "missing-field": "a required field is absent",
    "invalid-value": "a value has the wrong type or lies outside its allowed range",
    "duplicate-id": "two items share an id",
    "unknown-id": "a reference names an id that does not exist",
    "self-reference": "an item depends on itself",
    "cycle": "dependencies go round in a circle",
    "contradiction": "two fields of one item cannot both hold",
    "unknown-metric": "a key result names a metric that is not in the catalogue and does not define it",
    "target-not-improving": "a key result's target does not improve on its baseline",
    "out-of-bounds": "a key result's value lies outside its metric's bounds",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a plan, said so that a user can fix it.

    Attributes:
        code: a stable code from :data:`PROBLEM_CODES`.
        item: the id of the item as the user wrote it (or a section name such as ``goal``).
        field: the field within the item, dotted for nested fields; empty when it is the item.
        message: what is wrong, with what was expected and what was found.
        hint: how to fix it (may be empty).
        file: the file the plan came from, when it came from one.
        line: the 1-based line in that file, when known.
    """

    code: str
    item: str
    field: str
    message: str
    hint: str = ""
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        elif self.line is not None:
            where = f"line {self.line}: "
        subject = f"{self.item}.{self.field}" if self.field and self.item else (self.item or self.field)
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{subject}: {self.message}{hint} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        """The problem as plain JSON-ready data."""
        return {
            "code": self.code,
            "item": self.item,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "file": self.file,
            "line": self.line,
        }


class BackplanError(Exception):
    """Base of every error backplan raises on purpose."""


class PlanError(BackplanError, ValueError):
    """A plan cannot be used. ``problems`` lists every problem found, in file order."""

    #: What the problems are in, for the summary line ("3 problems in the plan").
    subject = "the plan"

    def __init__(
        self, problems: Iterable[Problem], *, source: str | None = None,
        subject: str | None = None,
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        if subject is not None:
            self.subject = subject
        super().__init__(self._summary())

    def _summary(self) -> str:
        count = len(self.problems)
        head = f"{self.source}: " if self.source else ""
        noun = "problem" if count == 1 else "problems"
        lines = [f"{head}{count} {noun} in {self.subject}"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)

    @property
    def codes(self) -> list[str]:
        """The problem codes, in order (handy in tests and scripts)."""
        return [problem.code for problem in self.problems]


class PlanFileError(PlanError):
    """The plan file cannot be read or parsed (missing, not UTF-8, bad syntax, unsafe YAML)."""


class PlanValidationError(PlanError):
    """The plan parses but breaks the schema or the planning rules."""


class CheckInError(PlanError):
    """Check-ins (a CSV file, a DataFrame, a list) cannot be read or do not fit the plan."""

    subject = "the check-ins"


class InfeasibleScheduleError(BackplanError, ValueError):
    """Raised by ``Schedule.raise_if_infeasible()`` when the timeline cannot be met."""

    def __init__(self, message: str, *, flags: Sequence[Any] = ()) -> None:
        self.flags = tuple(flags)
        super().__init__(message)


class ScheduleRangeError(BackplanError, ValueError):
    """A schedule would need dates outside the years 1..9999 (durations far too long)."""


class PlanBusyError(BackplanError):
    """A plan file could not be edited now: another edit held its lock for the whole wait, or
    the file changed while it was being edited. Nothing was written; trying again is safe."""


class MissingExtraError(BackplanError, ImportError):
    """An optional dependency is missing; the message names the ``pip install`` to run."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{feature}: the '{package}' package is not installed; pip install \"backplan[{extra}]\""
        )


def require(module: str, *, extra: str, feature: str) -> Any:
    """Import an optional dependency or raise :class:`MissingExtraError` naming the extra.

    Example:
        >>> require("json", extra="none", feature="JSON").__name__
        'json'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(module.split(".")[0], extra, feature) from exc
