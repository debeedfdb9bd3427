"""Fields for the daily rhythm: pomodoro counts, action types, and the parent objective.

A *pomodoro* is :data:`POMODORO_MINUTES` (25) minutes of focused work (Francesco Cirillo's technique). An action may say
what kind of work it is (``kind``, e.g. ``analysis`` or ``coaching``) and how many pomodoros it
actually took (``actual_pomodoros``), so that estimation accuracy can be reported per person and
per kind (see :func:`backplan.estimation_accuracy`).

Example:
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(PomodoroCount).validate_python(6)
    6
    >>> POMODORO_MINUTES, SHORT_BREAK_MINUTES
    (25, 5)
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from backplan.models.people import POMODORO_MINUTES

__all__ = [
    "LONG_BREAK_EVERY",
    "MAX_POMODOROS",
    "POMODORO_MINUTES",
    "SHORT_BREAK_MINUTES",
    "SPLIT_ABOVE_POMODOROS",
    "PomodoroCount",
]

#: Minutes of the short break after each pomodoro.
SHORT_BREAK_MINUTES = 5
#: A long break (15-30 minutes) follows every this many pomodoros.
LONG_BREAK_EVERY = 4
#: Activities estimated above this many pomodoros should be split (Cirillo's rule of thumb).
SPLIT_ABOVE_POMODOROS = 7

#: The most pomodoros recorded on one action.
MAX_POMODOROS = 100_000

#: A whole number of pomodoros, 0..100000.
PomodoroCount = Annotated[int, Field(strict=True, ge=0, le=MAX_POMODOROS)]
