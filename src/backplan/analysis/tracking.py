"""Check-ins against the glide path: progress, OKR score, status and a forecast per key result.

Progress is the share of the way from the baseline to the target, in percent, for metrics that
should go up and for those that should go down alike: AHT from 420 s toward 360 s, now at 400 s,
is 33 % of the way. It is not clamped (below the baseline it is negative, beyond the target above
100). The OKR score is the same share clamped to 0.0-1.0.

Status compares a check-in with the glide path's value on its date on the as-late-as-possible
schedule (the plan's dates), in shares of the distance ``D = |target - baseline|``. Let ``s`` be
how far the value is *behind* the path (negative when ahead), as a share of ``D``:

* ``on_track`` when ``s <= tolerance`` (default 0.10);
* ``off_track`` when ``s > off_track`` (default 0.25);
* ``at_risk`` in between.

For rates measured on a sample (a check-in with ``n`` on a metric in percent from 0 to 100, such
as CSAT or FCR from surveys), ``off_track`` needs evidence: it takes the favourable end of the
Wilson interval (at ``confidence``, default 95 %) to be beyond the off-track threshold too;
otherwise the check-in is ``at_risk``. ``on_track`` still needs the value itself within the
tolerance. A bad day on 12 surveys is therefore "at risk", not "off track".

The forecast fits a straight line through the check-ins (and the baseline on its date), after
taking out the effects of the plan's actions: ``value(t) = baseline + effects(t) + a + b*t`` in
working days, least squares, where ``effects`` are the actions' planned effects on the
as-late-as-possible schedule (none on linear glide paths, where the fit is a plain trend).
Key results with effects and fewer than three observations keep the latest offset from the plan
(``b = 0``). The interval is the least-squares prediction interval (Student t) at
``forecast_confidence`` (default 80 %) and needs at least three observations. The projected
date is the first working day on or after the last check-in on which the forecast reaches the
target (None when it does not within ten years). Flag ``off-trajectory`` when the forecast on
the due date misses the target: an ``error`` when even the favourable end of the interval
misses, else a ``warning``.

Check-ins dated after ``today`` are left out (and counted in ``ignored_after_today``).

Example:
    >>> import datetime as dt
    >>> from backplan import load_plan
    >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
    ...     {"id": "aht", "metric": "aht", "baseline": 420, "target": 360,
    ...      "baseline_date": "2027-01-01"}]}})
    >>> report = track_progress(plan, {"aht": [{"date": "2027-01-29", "value": 400}]},
    ...                         today=dt.date(2027, 2, 1))
    >>> kr = report.key_result("aht")
    >>> round(kr.progress_pct, 1), round(kr.score, 2), kr.status
    (33.3, 0.33, 'on_track')
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import html
import json
import math
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

from pydantic import ValidationError

from backplan._find import find
from backplan.analysis._text import flag_line, flags_html, iso, table_html
from backplan.analysis.glide import (
    EPSILON,
    GlidePath,
    GlidePaths,
    better_or_equal,
    glide_paths,
)
from backplan.calendars import WorkingCalendar, plan_calendar
from backplan.errors import CheckInError, Problem, require
from backplan.models import Plan
from backplan.models.goal import KeyResult
from backplan.models.metrics import Direction, Metric
from backplan.models.tracking import CheckIn
from backplan.scheduling import Fix, Flag, Schedule, schedule_plan
from backplan.scheduling.curves import KeyResultCurve, key_result_curves
from backplan.words import SECONDS, metric_value

__all__ = [
    "CheckInStatus",
    "Forecast",
    "KeyResultTracking",
    "Status",
    "StatusRule",
    "TrackingReport",
    "okr_score",
    "progress_pct",
    "read_checkins",
    "status_of",
    "track_progress",
    "wilson_interval",
]

Status = Literal["on_track", "at_risk", "off_track"]

#: Working days searched beyond the last check-in for the date the target is reached.
HORIZON_WORKING_DAYS = 2610  # about ten years of five-day weeks

CheckInSource = (
    str | os.PathLike[str] | Mapping[str, Iterable[Any]] | Iterable[Any] | Any
)


# --------------------------------------------------------------------------------------------
# Small measures


def progress_pct(value: float, baseline: float, target: float) -> float:
    """How far ``value`` has come from ``baseline`` toward ``target``, in percent (not clamped).

    Right for metrics that should rise and for those that should fall.

    Raises:
        ValueError: ``target`` equals ``baseline`` (there is no distance to cover).

    Example:
        >>> round(progress_pct(400, 420, 360), 1), progress_pct(75.5, 71, 80)
        (33.3, 50.0)
        >>> progress_pct(430, 420, 360) < 0
        True
    """
    if target == baseline:
        raise ValueError(f"target {target:g} equals baseline {baseline:g}: no progress to measure")
    return (value - baseline) / (target - baseline) * 100.0


def okr_score(value: float, baseline: float, target: float) -> float:
    """The OKR score: progress as a share from 0.0 (at or behind the baseline) to 1.0 (target met).

    Example:
        >>> okr_score(75.5, 71, 80), okr_score(82, 71, 80), okr_score(440, 420, 360)
        (0.5, 1.0, 0.0)
    """
    share = progress_pct(value, baseline, target) / 100.0
    return min(1.0, max(0.0, share))


def wilson_interval(rate: float, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``rate`` (0..1) measured on ``n`` samples.

    Example:
        >>> low, high = wilson_interval(0.7, 12)
        >>> round(low, 3), round(high, 3)
        (0.421, 0.882)
        >>> wilson_interval(1.0, 50)[1]
        1.0
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must lie in 0..1, got {rate}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (rate + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(rate * (1.0 - rate) / n + z2 / (4 * n * n))
    low = 0.0 if rate == 0.0 else max(0.0, centre - half)
    high = 1.0 if rate == 1.0 else min(1.0, centre + half)
    return low, high


def student_t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t distribution with ``df`` degrees of freedom.

    Example:
        >>> round(student_t_quantile(0.975, 3), 3), round(student_t_quantile(0.9, 30), 3)
        (3.182, 1.31)
    """
    if not 0.0 < p < 1.0 or df < 1:
        raise ValueError(f"need 0 < p < 1 and df >= 1, got p={p}, df={df}")
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    low, high = 0.0, 1.0
    while _student_t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if _student_t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2.0


def _student_t_cdf(t: float, df: int) -> float:
    x = df / (df + t * t)
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b) (continued fraction, Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _incomplete_beta(b, a, 1.0 - x)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return front * result / a


# --------------------------------------------------------------------------------------------
# Status


@dataclass(frozen=True, slots=True)
class StatusRule:
    """Thresholds of the status rule (see the module docstring), as shares of the distance
    from baseline to target.

    Attributes:
        tolerance: behind the path by at most this share is ``on_track`` (default 0.10).
        off_track: behind by more than this share is ``off_track`` (default 0.25).
        confidence: the Wilson interval's confidence for sampled rates (default 0.95).

    Example:
        >>> StatusRule(tolerance=0.05).off_track
        0.25
    """

    tolerance: float = 0.10
    off_track: float = 0.25
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if not 0.0 <= self.tolerance <= self.off_track:
            raise ValueError(
                f"need 0 <= tolerance <= off_track, got tolerance={self.tolerance}, "
                f"off_track={self.off_track}"
            )
        if not 0.0 < self.confidence < 1.0:
            raise ValueError(f"confidence must lie strictly between 0 and 1, got {self.confidence}")

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data."""
        return {"tolerance": self.tolerance, "off_track": self.off_track,
                "confidence": self.confidence}


def _is_rate(metric: Metric) -> bool:
    return metric.unit == "%" and metric.lower == 0.0 and metric.upper == 100.0


def _behind(value: float, expected: float, distance: float, direction: Direction) -> float:
    """How far ``value`` is behind ``expected`` as a share of ``distance`` (negative: ahead)."""
    gap = expected - value if direction == "increase" else value - expected
    return gap / distance


def status_of(
    value: float,
    expected: float,
    *,
    baseline: float,
    target: float,
    direction: Direction,
    interval: tuple[float, float] | None = None,
    rule: StatusRule | None = None,
) -> Status:
    """The status of an observed ``value`` against the ``expected`` one (rule in module docs).

    ``interval`` is the sampling interval around ``value`` (in the metric's unit) when the value
    was measured on a sample; its favourable end decides whether the gap is evidence enough for
    ``off_track``.

    Example:
        >>> kr = dict(baseline=71, target=80, direction="increase")
        >>> status_of(74.5, 75, **kr), status_of(73, 75, **kr), status_of(70, 75, **kr)
        ('on_track', 'at_risk', 'off_track')
        >>> status_of(70, 75, **kr, interval=(42.1, 88.2))
        'at_risk'
    """
    rule = rule or StatusRule()
    distance = abs(target - baseline)
    if distance == 0:
        raise ValueError("target equals baseline: no distance to measure status against")
    behind = _behind(value, expected, distance, direction)
    if behind <= rule.tolerance + EPSILON:
        return "on_track"
    favourable = value
    if interval is not None:
        favourable = interval[1] if direction == "increase" else interval[0]
    if _behind(favourable, expected, distance, direction) > rule.off_track + EPSILON:
        return "off_track"
    return "at_risk"


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


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class CheckInStatus:
    """One check-in against the glide path.

    Attributes:
        date, value, n: the check-in.
        expected: the glide path's value on ``date`` (as-late-as-possible schedule).
        expected_earliest: the value on the earliest schedule.
        gap: ``value - expected`` (signed, in the metric's unit).
        progress_pct: progress from baseline toward target, in percent.
        score: the OKR score, 0.0-1.0.
        status: ``on_track``, ``at_risk`` or ``off_track``.
        interval: the Wilson interval around ``value`` (metric units) for sampled rates, else
            None.
    """

    date: dt.date
    value: float
    n: int | None
    expected: float
    expected_earliest: float
    gap: float
    progress_pct: float
    score: float
    status: Status
    interval: tuple[float, float] | None

    def to_dict(self) -> dict[str, Any]:
        """The check-in's status as JSON-ready data."""
        return {
            "date": iso(self.date), "value": self.value, "n": self.n,
            "expected": self.expected, "expected_earliest": self.expected_earliest,
            "gap": self.gap, "progress_pct": self.progress_pct, "score": self.score,
            "status": self.status,
            "interval": list(self.interval) if self.interval is not None else None,
        }


@dataclass(frozen=True, slots=True)
class Forecast:
    """The projected value on the due date, and when the target is reached.

    Attributes:
        due: the goal's due date.
        value: the forecast on ``due``.
        low, high: the prediction interval at ``confidence`` (None with fewer than three
            observations).
        confidence: the interval's confidence.
        reaches_target: whether ``value`` meets the target.
        target_date: the first working day the forecast reaches the target (None: not within
            about ten years).
        trend_per_week: the fitted drift beside the plan's effects, per five working days.
        observations: how many points the fit used (check-ins, and the baseline when dated).
        method: ``"trend"`` (linear path: a straight-line fit), ``"plan+trend"`` (the plan's
            effects plus a fitted offset and drift) or ``"plan+offset"`` (effects plus the
            latest offset).
    """

    due: dt.date
    value: float
    low: float | None
    high: float | None
    confidence: float
    reaches_target: bool
    target_date: dt.date | None
    trend_per_week: float
    observations: int
    method: str

    def to_dict(self) -> dict[str, Any]:
        """The forecast as JSON-ready data."""
        return {
            "due": iso(self.due), "value": self.value, "low": self.low, "high": self.high,
            "confidence": self.confidence, "reaches_target": self.reaches_target,
            "target_date": iso(self.target_date), "trend_per_week": self.trend_per_week,
            "observations": self.observations, "method": self.method,
        }


@dataclass(frozen=True, slots=True)
class KeyResultTracking:
    """Where one key result stands: its check-ins, the latest status, and the forecast.

    ``latest``, ``status``, ``progress_pct`` and ``score`` come from the last check-in on or
    before today (None when there is none).
    """

    key_result: str
    metric: str
    unit: str
    direction: Direction
    baseline: float
    target: float
    due: dt.date
    checkins: tuple[CheckInStatus, ...]
    latest: CheckInStatus | None
    status: Status | None
    progress_pct: float | None
    score: float | None
    expected_today: float
    forecast: Forecast | None
    glide: GlidePath
    ignored_after_today: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The key result's tracking as JSON-ready data (glide points left out)."""
        glide = self.glide
        return {
            "key_result": self.key_result, "metric": self.metric, "unit": self.unit,
            "direction": self.direction, "baseline": self.baseline, "target": self.target,
            "due": iso(self.due), "status": self.status, "progress_pct": self.progress_pct,
            "score": self.score, "expected_today": self.expected_today,
            "latest": self.latest.to_dict() if self.latest is not None else None,
            "forecast": self.forecast.to_dict() if self.forecast is not None else None,
            "checkins": [checkin.to_dict() for checkin in self.checkins],
            "ignored_after_today": self.ignored_after_today,
            "glide": {
                "source": glide.source, "start": iso(glide.start),
                "planned_change": glide.planned_change, "needed_change": glide.needed_change,
                "shortfall": glide.shortfall,
                "interim": [target.to_dict() for target in glide.interim],
            },
        }


@dataclass(frozen=True, slots=True)
class TrackingReport:
    """The result of :func:`track_progress`: every key result, and the flags.

    Flags: the glide paths' (``impact-short``, ``interim-unreachable``) and ``off-trajectory``.
    """

    goal: str
    today: dt.date
    due: dt.date
    key_results: tuple[KeyResultTracking, ...]
    flags: tuple[Flag, ...]
    rule: StatusRule = field(default_factory=StatusRule)
    glide: GlidePaths | None = None

    def key_result(self, key_result: str) -> KeyResultTracking:
        """The tracking of the key result with this id (KeyError naming it when there is none)."""
        return find(self.key_results, "key_result", key_result, "key result")

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the CLI's ``--format json``)."""
        return {
            "goal": self.goal, "today": iso(self.today), "due": iso(self.due),
            "rule": self.rule.to_dict(),
            "key_results": [tracked.to_dict() for tracked in self.key_results],
            "flags": [flag.to_dict() for flag in self.flags],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def _rows(self) -> list[list[str]]:
        rows = [["key result", "last check-in", "value", "expected", "progress", "score",
                 "status", "forecast on due", "target reached"]]
        for tracked in self.key_results:
            latest, forecast = tracked.latest, tracked.forecast
            when = "-"
            if latest is not None:
                when = latest.date.isoformat() + (f" (n={latest.n})" if latest.n else "")
            cast = "-"
            unit = tracked.unit
            if forecast is not None:
                cast = metric_value(forecast.value, unit)
                if forecast.low is not None and forecast.high is not None:
                    cast += (f" ({metric_value(forecast.low, unit)} to "
                             f"{metric_value(forecast.high, unit)})")
            rows.append([
                tracked.key_result, when,
                metric_value(latest.value, unit) if latest else "-",
                metric_value(latest.expected if latest else tracked.expected_today, unit),
                f"{tracked.progress_pct:.0f}%" if tracked.progress_pct is not None else "-",
                f"{tracked.score:.2f}" if tracked.score is not None else "-",
                (tracked.status or "no data").replace("_", " "),
                cast,
                iso(forecast.target_date) or "not in sight" if forecast else "-",
            ])
        return rows

    def __str__(self) -> str:
        rows = self._rows()
        widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
        lines = [f"Goal {self.goal!r} due {self.due.isoformat()}, tracked on "
                 f"{self.today.isoformat()}"]
        lines.extend("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                         strict=True)).rstrip()
                     for row in rows)
        lines.extend(flag_line(flag) for flag in self.flags)
        return "\n".join(lines)

    def __repr__(self) -> str:
        statuses = ",".join(f"{t.key_result}={t.status}" for t in self.key_results)
        return f"<TrackingReport {self.goal!r} today={self.today.isoformat()} {statuses}>"

    def _repr_html_(self) -> str:
        esc = html.escape
        return (f"<div><p>Goal <b>{esc(self.goal)}</b> due {self.due}, tracked on {self.today}"
                f"</p>{table_html(self._rows())}" + flags_html(self.flags) + "</div>")


# --------------------------------------------------------------------------------------------
# Tracking


def track_progress(
    plan: Plan,
    checkins: CheckInSource | None = None,
    *,
    today: dt.date,
    schedule: Schedule | None = None,
    rule: StatusRule | None = None,
    forecast_confidence: float = 0.8,
    ignore_capacity: bool = False,
) -> TrackingReport:
    """Compare check-ins with each key result's glide path; status, score and forecast.

    Args:
        plan: the plan; check-ins written in it (``checkins:`` under a key result) are used too.
        checkins: more check-ins: a CSV path, a DataFrame, a list of records (with a
            ``key_result`` field unless the plan has one key result), or a mapping from
            key-result id to records. See :func:`read_checkins`.
        today: the day of the report; later check-ins are left out.
        schedule: the plan's schedule (default: ``schedule_plan(plan, today=today)``).
        rule: the status thresholds (default :class:`StatusRule`).
        forecast_confidence: the confidence of the forecast's interval (default 0.8).
        ignore_capacity: schedule by precedence alone even when the plan books people (as
            :func:`backplan.schedule_plan` does with it).

    Returns:
        A frozen :class:`TrackingReport`.

    Raises:
        CheckInError: a check-in names an unknown key result, lies outside the metric's bounds,
            or contradicts another check-in on the same date.

    Example:
        >>> import datetime as dt
        >>> from backplan import load_plan
        >>> plan = load_plan({"goal": {"id": "g", "due": "2027-03-31", "key_results": [
        ...     {"id": "fcr", "metric": "fcr", "baseline": 71, "target": 80,
        ...      "baseline_date": "2027-01-01"}]}})
        >>> report = track_progress(plan, [{"date": "2027-02-15", "value": 72.0}],
        ...                         today=dt.date(2027, 2, 15))
        >>> tracked = report.key_result("fcr")
        >>> tracked.status, round(tracked.latest.expected, 1), tracked.forecast.target_date
        ('off_track', 75.4, datetime.date(2028, 1, 27))
        >>> [flag.code for flag in report.flags]
        ['off-trajectory']
    """
    rule = rule or StatusRule()
    schedule = schedule or schedule_plan(plan, today=today, ignore_capacity=ignore_capacity)
    glide = glide_paths(plan, schedule)
    calendar = plan_calendar(plan, today=today)
    given = gather_checkins(plan, checkins)
    tracked = []
    flags = list(glide.flags)
    for key_result in plan.goal.key_results:
        result, flag = _track_one(
            plan, schedule, glide.path(key_result.id), key_result, given.get(key_result.id, ()),
            calendar, today, rule, forecast_confidence,
        )
        tracked.append(result)
        if flag is not None:
            flags.append(flag)
    return TrackingReport(plan.goal.id, today, plan.goal.due, tuple(tracked), tuple(flags), rule,
                          glide)


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


def _track_one(
    plan: Plan, schedule: Schedule, glide: GlidePath, key_result: KeyResult,
    checkins: Sequence[CheckIn], calendar: WorkingCalendar, today: dt.date, rule: StatusRule,
    confidence: float,
) -> tuple[KeyResultTracking, Flag | None]:
    metric = key_result.definition()
    baseline, target, direction = key_result.baseline, key_result.target, metric.direction
    used = sorted((c for c in checkins if c.date <= today), key=lambda c: c.date)
    rows = []
    for checkin in used:
        expected = glide.value_on(checkin.date)
        interval = None
        if checkin.n is not None and _is_rate(metric):
            low, high = wilson_interval(checkin.value / 100.0, checkin.n,
                                        confidence=rule.confidence)
            interval = (low * 100.0, high * 100.0)
        rows.append(CheckInStatus(
            checkin.date, checkin.value, checkin.n, expected,
            glide.value_on(checkin.date, schedule="earliest"), checkin.value - expected,
            progress_pct(checkin.value, baseline, target),
            okr_score(checkin.value, baseline, target),
            status_of(checkin.value, expected, baseline=baseline, target=target,
                      direction=direction, interval=interval, rule=rule),
            interval,
        ))
    latest = rows[-1] if rows else None
    latest_curve, _ = key_result_curves(plan, schedule, key_result, calendar)
    forecast = _forecast(key_result, glide, latest_curve, used, calendar, direction, confidence)
    tracked = KeyResultTracking(
        key_result.id, metric.id, metric.unit, direction, baseline, target, plan.goal.due,
        tuple(rows), latest, latest.status if latest else None,
        latest.progress_pct if latest else None, latest.score if latest else None,
        glide.value_on(today), forecast, glide, len(checkins) - len(used),
    )
    flag = None
    if forecast is not None and not forecast.reaches_target:
        flag = _off_trajectory_flag(plan, key_result, metric, forecast, calendar)
    return tracked, flag


def _forecast(
    key_result: KeyResult, glide: GlidePath, curve: KeyResultCurve, checkins: Sequence[CheckIn],
    calendar: WorkingCalendar, direction: Direction, confidence: float,
) -> Forecast | None:
    if not checkins:
        return None
    points = [(calendar.number_on_or_before(c.date), c.value) for c in checkins]
    if key_result.baseline_date is not None and all(
            c.date != key_result.baseline_date for c in checkins):
        points.insert(0, (calendar.number_on_or_before(key_result.baseline_date),
                          key_result.baseline))
    with_effects = glide.source == "impact"
    effects = KeyResultCurve(key_result.baseline, curve.start, curve.effects, ())

    def plan_part(day: int) -> float:
        return key_result.baseline + (effects.contribution(day) if with_effects else 0.0)

    xs = [float(x) for x, _ in points]
    residuals = [y - plan_part(x) for x, y in points]
    count = len(points)
    due_number = calendar.number_on_or_before(glide.due)
    low = high = None
    if count >= 3 or (not with_effects and count >= 2):
        mean_x = sum(xs) / count
        mean_r = sum(residuals) / count
        sxx = sum((x - mean_x) ** 2 for x in xs)
        slope = (sum((x - mean_x) * (r - mean_r) for x, r in zip(xs, residuals, strict=True))
                 / sxx) if sxx > 0 else 0.0
        intercept = mean_r - slope * mean_x
        method = "plan+trend" if with_effects else "trend"
        if count >= 3 and sxx > 0:
            fitted = [intercept + slope * x for x in xs]
            sse = sum((r - f) ** 2 for r, f in zip(residuals, fitted, strict=True))
            s = math.sqrt(sse / (count - 2))
            se = s * math.sqrt(1.0 + 1.0 / count + (due_number - mean_x) ** 2 / sxx)
            half = student_t_quantile(0.5 + confidence / 2.0, count - 2) * se
        else:
            half = None
    elif with_effects:
        slope, intercept, method, half = 0.0, residuals[-1], "plan+offset", None
    else:
        return None

    def predict(day: int) -> float:
        return plan_part(day) + intercept + slope * day

    value = predict(due_number)
    if half is not None:
        low, high = value - half, value + half
    last = max(x for x, _ in points)
    target_day = _target_reached(predict, key_result.target, direction, last,
                                 max(last, effects.settles()), slope)
    return Forecast(
        glide.due, value, low, high, confidence,
        better_or_equal(value, key_result.target, direction),
        calendar.day(target_day) if target_day is not None else None,
        slope * 5.0, count, method,
    )


def _target_reached(
    predict: Callable[[int], float], target: float, direction: Direction, first: int, settled: int, slope: float,
) -> int | None:
    """The first working day from ``first`` on which ``predict`` reaches ``target``."""
    for day in range(first, settled + 1):
        if better_or_equal(predict(day), target, direction):
            return day
    gap = target - predict(settled)
    improving = slope > 0 if direction == "increase" else slope < 0
    if not improving:
        return None
    days = math.ceil(gap / slope - 1e-9)
    day = settled + max(days, 1)
    if day - first > HORIZON_WORKING_DAYS:
        return None
    while not better_or_equal(predict(day), target, direction):  # guard rounding
        day += 1
    return day


def _unit_words(unit: str) -> str:
    """How a difference in ``unit`` reads after a number: percent differences are points."""
    if unit == "%":
        return " percentage points"
    return f" {unit}" if unit else ""


def _off_trajectory_flag(
    plan: Plan, key_result: KeyResult, metric: Metric, forecast: Forecast,
    calendar: WorkingCalendar,
) -> Flag:
    kr, direction = key_result.id, metric.direction
    miss = abs(key_result.target - forecast.value)
    unit = _unit_words(metric.unit)
    favourable = forecast.high if direction == "increase" else forecast.low
    confident = favourable is not None and not better_or_equal(
        favourable, key_result.target, direction)
    clock = metric.unit == SECONDS  # AHT and the like read as m:ss

    def shown(value: float) -> str:
        return metric_value(value, metric.unit) if clock else f"{value:.4g}"

    interval = ""
    if forecast.low is not None and forecast.high is not None:
        interval = (f" ({forecast.confidence:.0%} interval {shown(forecast.low)}-"
                    f"{shown(forecast.high)})")
    reached = (f"at this rate the target is reached on {forecast.target_date.isoformat()}"
               if forecast.target_date is not None else
               "at this rate the target is not reached")
    by = f"{metric_value(miss, metric.unit)}" if clock else f"{miss:.3g}{unit}"
    target = shown(key_result.target) if clock else f"{key_result.target:g}"
    message = (f"forecast {shown(forecast.value)}{interval} on {forecast.due.isoformat()} misses "
               f"the target {target} by {by}; {reached}")
    sign = 1.0 if direction == "increase" else -1.0
    worth = (metric_value(sign * miss, metric.unit, signed=True) if clock
             else f"{sign * miss:+.3g}")
    fixes = [Fix("add-impact", kr,
                 f"add actions, or bring planned ones forward, worth {worth} on {kr}", 0)]
    if forecast.target_date is not None:
        days = calendar.count(plan.goal.due, forecast.target_date)
        fixes.append(Fix("move-due", plan.goal.id,
                         f"move the goal's due date to {forecast.target_date.isoformat()}",
                         days, forecast.target_date))
    return Flag("off-trajectory", "error" if confident else "warning", kr, message,
                fixes=tuple(fixes))
