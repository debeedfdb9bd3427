"""Tracking inputs: check-ins (observed values of a key result) and the progress of actions.

A check-in is one observed value of a key result's metric on a date, with the sample size ``n``
when the value is a rate measured on a sample (surveys). Check-ins may be written in the plan
file under a key result (``checkins:``), which is where ``backplan checkin`` records them, or
read from a CSV file or a DataFrame with :func:`backplan.read_checkins`.

An action's progress (``status``, ``actual_start``, ``actual_finish``, ``remaining``) lives on the
:class:`~backplan.Action` itself; the rules tying those fields together are checked there.

Example:
    >>> CheckIn(date="2027-01-15", value=73.5, n=40)
    CheckIn(date=datetime.date(2027, 1, 15), value=73.5, n=40)
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from backplan.models._types import INPUT_CONFIG, PlanDate, custom_error

__all__ = ["ActionStatus", "CheckIn", "MetricValue", "SampleSize", "check_progress"]

#: Where an action stands: not started (the default), in progress, or done.
ActionStatus = Literal["not_started", "in_progress", "done"]

#: A finite number in the metric's unit (``true``/``false`` and numbers in quotes are refused).
MetricValue = Annotated[float, Field(strict=True, allow_inf_nan=False)]

#: How many responses or contacts a rate was measured on (a whole number, at least 1).
SampleSize = Annotated[int, Field(strict=True, ge=1)]


class CheckIn(BaseModel):
    """One observed value of a key result: on ``date`` the metric stood at ``value``.

    ``n`` is the sample size behind a rate (e.g. 40 surveys). For metrics measured in percent
    between 0 and 100, status then allows for sampling noise (a Wilson interval); for other
    metrics ``n`` is shown but does not change the status.

    Example:
        >>> CheckIn(date="2027-01-15", value=73.5).n is None
        True
    """

    model_config = INPUT_CONFIG

    date: PlanDate
    value: MetricValue
    n: SampleSize | None = None

    def __str__(self) -> str:
        sample = f" (n={self.n})" if self.n is not None else ""
        return f"{self.date.isoformat()}: {self.value:g}{sample}"


def check_progress(
    status: ActionStatus,
    actual_start: dt.date | None,
    actual_finish: dt.date | None,
    remaining: int | None,
) -> None:
    """Raise the pydantic error that explains why an action's progress fields cannot all hold.

    The rules: ``done`` needs ``actual_finish`` and takes no ``remaining``; ``in_progress`` needs
    ``actual_start`` and takes no ``actual_finish``; ``not_started`` takes none of the three;
    ``actual_start`` is not after ``actual_finish``.

    Example:
        >>> from pydantic_core import PydanticCustomError
        >>> check_progress("done", None, dt.date(2027, 1, 15), None)
        >>> try:
        ...     check_progress("done", None, None, None)
        ... except PydanticCustomError as exc:
        ...     print(exc.type, exc.message())
        missing-field status is done but actual_finish is missing; add 'actual_finish: YYYY-MM-DD'
    """
    if status == "done" and actual_finish is None:
        raise custom_error(
            "missing-field",
            "status is done but actual_finish is missing; add 'actual_finish: YYYY-MM-DD'",
            **{"field": "actual_finish"},
        )
    if status == "in_progress" and actual_start is None:
        raise custom_error(
            "missing-field",
            "status is in_progress but actual_start is missing; add 'actual_start: YYYY-MM-DD'",
            **{"field": "actual_start"},
        )
    if status == "done" and remaining is not None:
        raise custom_error(
            "contradiction",
            "status is done, so nothing is remaining; remove 'remaining: {remaining}'",
            **{"field": "remaining", "remaining": remaining},
        )
    if status == "in_progress" and actual_finish is not None:
        raise custom_error(
            "contradiction",
            "an action in progress has no actual_finish yet; set 'status: done' or remove "
            "actual_finish",
            **{"field": "actual_finish"},
        )
    if status == "not_started":
        given = [name for name, value in (("actual_start", actual_start),
                                          ("actual_finish", actual_finish),
                                          ("remaining", remaining)) if value is not None]
        if given:
            raise custom_error(
                "contradiction",
                "{given} given but status is not_started; set 'status: in_progress' or "
                "'status: done', or remove {them}",
                **{"field": given[0], "given": " and ".join(given),
                 "them": "it" if len(given) == 1 else "them"},
            )
    if actual_start is not None and actual_finish is not None and actual_start > actual_finish:
        raise custom_error(
            "contradiction",
            "actual_start {start} is after actual_finish {finish}; correct one of the dates",
            **{"field": "actual_start", "start": actual_start.isoformat(),
             "finish": actual_finish.isoformat()},
        )
