"""Findings: what a check found about a plan, with a stable code and a fix.

The SMART check (:func:`backplan.lint_plan`) and the MoSCoW summary
(:func:`backplan.moscow_summary`) report findings. A finding names the item by the id the user
wrote and says how to fix it.

Example:
    >>> finding = Finding("time-bound-past", "error", "fcr-80", "due",
    ...                   "the due date 2026-10-31 is not after today (2026-11-23)",
    ...                   "set a due date after today")
    >>> print(finding)  # doctest: +NORMALIZE_WHITESPACE
    error [time-bound-past] fcr-80.due: the due date 2026-10-31 is not after today
    (2026-11-23) (fix: set a due date after today)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Finding", "FindingSeverity"]

#: How serious a finding is: ``error`` (the plan cannot work as written), ``warning`` (it may
#: not), ``info`` (worth a look).
FindingSeverity = Literal["error", "warning", "info"]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of a check, with a stable code, the item and field, and a fix.

    Attributes:
        code: a stable code (see the module that reports it).
        severity: ``error``, ``warning`` or ``info``.
        item: the id of the goal, key result, milestone or action concerned.
        field: the field within it (may be empty).
        message: what was found.
        fix: how to fix it.
        source: where a benchmark figure comes from, when the finding rests on one.
    """

    code: str
    severity: FindingSeverity
    item: str
    field: str
    message: str
    fix: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        return {
            "code": self.code, "severity": self.severity, "item": self.item,
            "field": self.field, "message": self.message, "fix": self.fix,
            "source": self.source,
        }

    def __str__(self) -> str:
        subject = f"{self.item}.{self.field}" if self.field else self.item
        fix = f" (fix: {self.fix})" if self.fix else ""
        return f"{self.severity} [{self.code}] {subject}: {self.message}{fix}"
