"""Check-ins in: from a CSV file, a pandas DataFrame or records, checked against a plan.

:func:`read_checkins` reads check-ins by key result, with every problem at its line or row;
:func:`gather_checkins` merges them with the plan file's own and checks them against the plan
(known key results, the metric's bounds, one value per date).

Example:
    >>> checkins = read_checkins([{"key_result": "fcr", "date": "2027-01-15", "value": 73.5}])
    >>> checkins["fcr"][0].value
    73.5
"""

from __future__ import annotations

import csv
import difflib
import math
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from backplan.calendars.window import outside_window_problem
from backplan.errors import CheckInError, Problem, require
from backplan.models import Plan
from backplan.models.tracking import CheckIn

__all__ = ["CheckInSource", "gather_checkins", "read_checkins"]

#: What check-ins may come as: a CSV path, a DataFrame, records, or records by key result.
CheckInSource = (
    str | os.PathLike[str] | Mapping[str, Iterable[Any]] | Iterable[Any] | Any
)


# --------------------------------------------------------------------------------------------
# Reading check-ins

_COLUMNS = ("key_result", "date", "value", "n")
#: Other names accepted for a column: ``kr`` for ``key_result``, ``sample_size`` for ``n``.
_ALIASES = {"kr": "key_result", "sample_size": "n"}


def _column(name: object) -> str:
    text = str(name).strip()
    return _ALIASES.get(text, text)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)")


def read_checkins(
    source: CheckInSource, *, key_result: str | None = None,
    known: Collection[str] | None = None,
) -> dict[str, tuple[CheckIn, ...]]:
    """Check-ins by key-result id, from a CSV file, a pandas DataFrame or a list of records.

    Columns (CSV header, DataFrame columns or mapping keys): ``date`` (YYYY-MM-DD), ``value`` (a
    number; ``m:ss`` or ``h:mm:ss`` is read as seconds), optional ``n`` (sample size; also
    ``sample_size``) and ``key_result`` (the key result's id; also ``kr``; may be left out when
    ``key_result`` is given). A mapping ``{key_result_id: [records]}`` is read as it is. Any other
    column is an error.
    Check-ins keep the order they are given in.

    Args:
        source: a CSV path, a DataFrame, a list of :class:`~backplan.CheckIn` or mappings, or a
            mapping from key-result id to such a list.
        key_result: the key result for records without a ``key_result``.
        known: the key-result ids check-ins may name (a plan's); another is ``unknown-id``, at
            its line, with the closest known id.

    Raises:
        CheckInError: every problem found, each with its line (CSV) or row number.

    Example:
        >>> checkins = read_checkins([{"key_result": "fcr", "date": "2027-01-15", "value": 73.5},
        ...                           {"key_result": "aht", "date": "2027-01-15", "value": "6:40"}])
        >>> checkins["aht"][0].value, list(checkins)
        (400.0, ['fcr', 'aht'])
    """
    found, problems = _read(source, key_result, known)
    if problems:
        raise CheckInError(problems, source=_path_of(source))
    return found


def _path_of(source: object) -> str | None:
    return os.fspath(source) if isinstance(source, str | os.PathLike) else None


def _read(
    source: CheckInSource, key_result: str | None, known: Collection[str] | None
) -> tuple[dict[str, tuple[CheckIn, ...]], list[Problem]]:
    """:func:`read_checkins`' check-ins and the problems of the rows left out."""
    if isinstance(source, str | os.PathLike):
        return _read_csv(os.fspath(source), key_result, known)
    if _is_dataframe(source):
        return _read_dataframe(source, key_result, known)
    problems: list[Problem] = []
    if isinstance(source, Mapping):
        out: dict[str, tuple[CheckIn, ...]] = {}
        for kr_id, records in source.items():
            rows = [(None, f"{kr_id}[{k}]", record) for k, record in enumerate(records)]
            out.update(_collect(rows, str(kr_id), None, problems, known))
        return out, problems
    rows = [(None, f"row {k + 1}", record) for k, record in enumerate(source)]
    return _collect(rows, key_result, None, problems, known), problems


def _is_dataframe(value: object) -> bool:
    return type(value).__module__.startswith("pandas") and hasattr(value, "columns")


def _read_csv(
    path: str, key_result: str | None, known: Collection[str] | None
) -> tuple[dict[str, tuple[CheckIn, ...]], list[Problem]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            lines = [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise CheckInError([Problem("file-not-found", "checkins", "", f"no such file: {path!r}",
                                    "check the path of the check-ins CSV", path)],
                           source=path) from None
    except UnicodeDecodeError:
        raise CheckInError([Problem("encoding", "checkins", "", "the file is not valid UTF-8",
                                    "save the CSV as UTF-8", path)], source=path) from None
    except (OSError, csv.Error) as exc:
        raise CheckInError([Problem("syntax", "checkins", "", f"cannot read the CSV: {exc}",
                                    "check the file", path)], source=path) from None
    lines = [(number, row) for number, row in lines if any(cell.strip() for cell in row)]
    if not lines:
        raise CheckInError([Problem("missing-field", "checkins", "", "the CSV is empty",
                                    "start it with a header: key_result,date,value,n", path, 1)],
                           source=path)
    header_line, header = lines[0]
    names = [_column(name) for name in header]
    problems = _header_problems(names, key_result, path, header_line)
    if problems:
        raise CheckInError(problems, source=path)
    rows = []
    for number, row in lines[1:]:
        if len(row) != len(names):
            problems.append(Problem(
                "syntax", "checkins", "", f"expected {len(names)} cells, got {len(row)}",
                "give every row the header's columns (leave n empty when unknown)", path, number,
            ))
            continue
        record = {name: cell.strip() for name, cell in zip(names, row, strict=True)}
        if record.get("n") == "":
            del record["n"]
        rows.append((number, f"line {number}", record))
    return _collect(rows, key_result, path, problems, known), problems


def _header_problems(
    names: Sequence[str], key_result: str | None, file: str | None, line: int | None
) -> list[Problem]:
    problems = []
    for name in names:
        if name not in _COLUMNS:
            close = difflib.get_close_matches(name, _COLUMNS, n=1, cutoff=0.6)
            problems.append(Problem(
                "unknown-field", "checkins", name, f"{name!r} is not a check-in column",
                f"did you mean {close[0]!r}?" if close else f"columns: {', '.join(_COLUMNS)}",
                file, line,
            ))
    for name in ("date", "value") + (("key_result",) if key_result is None else ()):
        if name not in names:
            problems.append(Problem(
                "missing-field", "checkins", name, f"no {name!r} column",
                "the header needs key_result,date,value (and n, optional)", file, line,
            ))
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems.extend(
        Problem("duplicate-key", "checkins", name, f"column {name!r} appears twice",
                "keep one of them", file, line)
        for name in repeated
    )
    return problems


def _read_dataframe(
    frame: Any, key_result: str | None, known: Collection[str] | None
) -> tuple[dict[str, tuple[CheckIn, ...]], list[Problem]]:
    pandas = require("pandas", extra="pandas", feature="reading check-ins from a DataFrame")
    names = [_column(name) for name in frame.columns]
    problems = _header_problems(names, key_result, None, None)
    if problems:
        raise CheckInError(problems)
    rows = []
    for k, record in enumerate(frame.to_dict(orient="records")):
        clean: dict[str, Any] = {}
        for name, value in record.items():
            if value is None or (not isinstance(value, str) and bool(pandas.isna(value))):
                continue
            if isinstance(value, pandas.Timestamp):
                if value != value.normalize():
                    clean[str(name)] = value.isoformat()  # refused below: has a time
                    continue
                value = value.date()
            elif hasattr(value, "item") and not isinstance(value, str):
                value = value.item()  # numpy scalars to Python numbers
            clean[str(name)] = value
        rows.append((None, f"row {k + 1}", clean))
    return _collect(rows, key_result, None, problems, known), problems


def _collect(
    rows: Iterable[tuple[int | None, str, Any]],
    key_result: str | None,
    file: str | None,
    problems: list[Problem],
    known: Collection[str] | None = None,
) -> dict[str, tuple[CheckIn, ...]]:
    found: dict[str, list[CheckIn]] = {}
    for line, where, record in rows:
        kr_id, checkin, problem = _one_checkin(record, key_result, where)
        if problem is None and known is not None and kr_id not in known:
            assert kr_id is not None
            close = difflib.get_close_matches(kr_id, list(known), n=1, cutoff=0.6)
            problem = ("unknown-id", "key_result", f"{kr_id!r} is not a key result of the plan",
                       f"did you mean {close[0]!r}?" if close else
                       f"key results: {', '.join(known) or '(none)'}")
        if problem is not None:
            problems.append(Problem(problem[0], kr_id or "checkins", problem[1], problem[2],
                                    problem[3], file, line))
            continue
        assert kr_id is not None
        assert checkin is not None
        found.setdefault(kr_id, []).append(checkin)
    return {kr_id: tuple(items) for kr_id, items in found.items()}


def _one_checkin(
    record: Any, key_result: str | None, where: str
) -> tuple[str | None, CheckIn | None, tuple[str, str, str, str] | None]:
    """``(key result id, check-in, None)`` or ``(id, None, (code, field, message, hint))``."""
    if isinstance(record, CheckIn):
        if key_result is None:
            return None, None, ("missing-field", "key_result",
                                f"{where}: no key result for this check-in", "")
        return key_result, record, None
    if not isinstance(record, Mapping):
        return key_result, None, ("not-a-mapping", "",
                                  f"{where}: expected a check-in mapping, got {record!r}",
                                  "give date, value and optionally n")
    data = {_column(name): value for name, value in record.items()}
    kr_id = data.pop("key_result", None) or key_result
    if kr_id is None:
        return None, None, ("missing-field", "key_result",
                            f"{where}: no key result for this check-in",
                            "add a key_result column")
    kr_id = str(kr_id)
    for name in data:
        if name not in _COLUMNS:
            close = difflib.get_close_matches(str(name), _COLUMNS, n=1, cutoff=0.6)
            return kr_id, None, ("unknown-field", str(name),
                                 f"{where}: {name!r} is not a check-in field",
                                 f"did you mean {close[0]!r}?" if close else "")
    value = data.get("value")
    if isinstance(value, str):
        data["value"] = _number(value)
    n = data.get("n")
    if (isinstance(n, str) and n.isdigit()) or (isinstance(n, float) and n.is_integer()):
        data["n"] = int(n)
    date = data.get("date")
    if isinstance(date, str) and not _ISO_DATE.fullmatch(date):
        return kr_id, None, ("invalid-value", "date",
                             f"{where}: expected a date as YYYY-MM-DD, got {date!r}", "")
    try:
        return kr_id, CheckIn.model_validate(data), None
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"]) or "value"
        code = "missing-field" if error["type"] == "missing" else "invalid-value"
        given = record.get(name) if isinstance(record, Mapping) else None
        message = (f"{where}: {name!r} is required" if code == "missing-field"
                   else f"{where}: {name} {given!r}: {error['msg'].lower()}")
        return kr_id, None, (code, name, message, "")


def _number(text: str) -> float | str:
    """A number from CSV text; ``m:ss``/``h:mm:ss`` as seconds; text left as is when neither."""
    text = text.strip()
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, seconds = clock.groups()
        return float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def gather_checkins(plan: Plan, checkins: CheckInSource | None) -> dict[str, list[CheckIn]]:
    """The plan file's check-ins and ``checkins`` (any form :func:`read_checkins` reads; the
    ``key_result`` column may be left out when the plan has one key result), by key result,
    checked against the plan.

    Raises:
        CheckInError: a check-in names a key result the plan does not have, lies outside its
            metric's bounds, or gives a date a second, different value (every problem listed).

    Example:
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
        ...     {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80}]}})
        >>> gather_checkins(plan, [{"date": "2027-01-15", "value": 73}])["fcr"][0].value
        73.0
    """
    key_results = {kr.id: kr for kr in plan.goal.key_results}
    default = next(iter(key_results)) if len(key_results) == 1 else None
    given, problems = (_read(checkins, default, list(key_results))
                       if checkins is not None else ({}, []))
    merged: dict[str, list[CheckIn]] = {kr_id: list(kr.checkins) for kr_id, kr in
                                        key_results.items()}
    for kr_id, items in given.items():  # every id is known: _read checked them
        metric = key_results[kr_id].definition()
        by_date = {checkin.date: checkin for checkin in merged[kr_id]}
        for checkin in items:
            outside = outside_window_problem(kr_id, "date", checkin.date, due=plan.goal.due)
            if outside is not None:  # as the same date in the plan file is refused
                problems.append(outside)
                continue
            if (metric.lower is not None and checkin.value < metric.lower) or (
                    metric.upper is not None and checkin.value > metric.upper):
                problems.append(Problem(
                    "out-of-bounds", kr_id, "value",
                    f"the check-in on {checkin.date.isoformat()} reads {checkin.value:g}, "
                    f"outside {metric.name}'s bounds "
                    f"{'' if metric.lower is None else f'{metric.lower:g}'}.."
                    f"{'' if metric.upper is None else f'{metric.upper:g}'} {metric.unit}",
                ))
                continue
            other = by_date.get(checkin.date)
            if other is None:
                by_date[checkin.date] = checkin
                merged[kr_id].append(checkin)
            elif other != checkin:
                problems.append(Problem(
                    "invalid-value", kr_id, "checkins",
                    f"two check-ins on {checkin.date.isoformat()}: {other} and {checkin}",
                    "keep one value per date",
                ))
    if problems:
        raise CheckInError(problems, source=_path_of(checkins))
    return merged
