"""PSPLIB single-mode RCPSP instances (``.sm`` files) as data and as backplan plans.

PSPLIB (Kolisch & Sprecher, 1997) is the standard benchmark library for project scheduling.
backplan uses it as an external oracle: the header's ``MPM-Time`` is the precedence-only
critical-path length, so a plan due on that day must be exactly feasible.

- :func:`read_psplib` reads one ``.sm`` file (or its text) into a frozen :class:`PsplibInstance`;
- :func:`iter_psplib_archive` reads the members of ``j30.sm.zip`` etc. without extracting them;
- :func:`psplib_plan` turns an instance into a :class:`~backplan.models.Plan` (precedence only);
- :func:`format_psplib` writes an instance back as ``.sm`` text;
- :func:`read_psplib_summary` reads the bounds table ``summary.csv`` (optima, lower/upper bounds).

Jobs are named ``job-<n>`` after their PSPLIB number ``n``, so ``job-7`` is line 7 of the file.
The dummy source (job 1) and sink (job N) are dropped: ``PsplibInstance.jobs`` lists the real
jobs only, and ``successors`` never names a dummy.

Example:
    >>> import datetime as dt
    >>> text = '''
    ... jobs (incl. supersource/sink ):  4
    ... horizon                       :  5
    ... ************************************************************************
    ... PROJECT INFORMATION:
    ... pronr.  #jobs rel.date duedate tardcost  MPM-Time
    ...     1      2      0        5        1         5
    ... ************************************************************************
    ... PRECEDENCE RELATIONS:
    ... jobnr.    #modes  #successors   successors
    ...    1        1          1           2
    ...    2        1          1           3
    ...    3        1          1           4
    ...    4        1          0
    ... ************************************************************************
    ... REQUESTS/DURATIONS:
    ... jobnr. mode duration  R 1  R 2
    ... ------------------------------------------------------------------------
    ...   1      1     0       0    0
    ...   2      1     2       1    0
    ...   3      1     3       0    2
    ...   4      1     0       0    0
    ... ************************************************************************
    ... RESOURCEAVAILABILITIES:
    ...   R 1  R 2
    ...     1    2
    ... ************************************************************************
    ... '''
    >>> tiny = read_psplib(text, name="tiny")
    >>> tiny.jobs, tiny.successors["job-2"], tiny.mpm_time
    (('job-2', 'job-3'), ('job-3',), 5)
    >>> plan = psplib_plan(tiny, start=dt.date(2026, 1, 5))
    >>> [(a.id, a.duration, a.after) for a in plan.actions]
    [('job-2', 2, ()), ('job-3', 3, ('job-2',))]
    >>> plan.goal.due.isoformat()  # start + MPM-Time - 1: the 5th day counting the start
    '2026-01-09'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO

from backplan.errors import PlanFileError, PlanValidationError, Problem
from backplan.models import Action, Calendar, Goal, Plan

__all__ = [
    "PsplibBounds",
    "PsplibInstance",
    "format_psplib",
    "iter_psplib_archive",
    "job_id",
    "psplib_plan",
    "read_psplib",
    "read_psplib_summary",
]

_SEPARATOR = re.compile(r"^\*{5,}\s*$")
_RESOURCE_HEADER = re.compile(r"([A-Za-z])\s*(\d+)")
_ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def job_id(number: int) -> str:
    """The backplan id of PSPLIB job ``number``.

    Example:
        >>> job_id(7)
        'job-7'
    """
    return f"job-{number}"


def _natural_key(name: str) -> tuple[str | int, ...]:
    """``j3010_2`` sorts after ``j302_1``: digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


@dataclass(frozen=True, slots=True)
class PsplibInstance:
    """A PSPLIB single-mode instance, dummy source and sink dropped.

    Attributes:
        name: the instance name, e.g. ``j301_1`` (the file name without ``.sm``).
        jobs: ids of the real jobs in file order (``job-2`` .. ``job-<N-1>``).
        durations: job id -> duration in periods (days in :func:`psplib_plan`).
        successors: job id -> ids of its real successors (the sink is left out).
        demands: job id -> per-period demand of each resource, in the order of ``resources``.
        resources: resource names from the file, e.g. ``("R1", "R2", "R3", "R4")``.
        capacities: capacity of each resource, in the order of ``resources``.
        mpm_time: the header's MPM-Time, the precedence-only critical-path length.
        horizon: the header's horizon (the sum of all durations).

    Mappings are read-only. Instances hash by name, jobs, resources, capacities and times.

    Example:
        >>> inst = PsplibInstance(name="tiny", jobs=("job-2", "job-3"),
        ...     durations={"job-2": 2, "job-3": 3}, successors={"job-2": ("job-3",), "job-3": ()},
        ...     demands={"job-2": (1,), "job-3": (0,)}, resources=("R1",), capacities=(1,),
        ...     mpm_time=5, horizon=5)
        >>> inst.predecessors()["job-3"], inst.critical_path_length()
        (('job-2',), 5)
    """

    name: str
    jobs: tuple[str, ...]
    durations: Mapping[str, int] = field(hash=False)
    successors: Mapping[str, tuple[str, ...]] = field(hash=False)
    demands: Mapping[str, tuple[int, ...]] = field(hash=False)
    resources: tuple[str, ...]
    capacities: tuple[int, ...]
    mpm_time: int
    horizon: int

    def __post_init__(self) -> None:
        jobs = tuple(self.jobs)
        known = set(jobs)
        if len(known) != len(jobs):
            raise ValueError(f"{self.name}: job ids repeat in {jobs}")
        for label, mapping in (
            ("durations", self.durations), ("successors", self.successors),
            ("demands", self.demands),
        ):
            if set(mapping) != known:
                raise ValueError(
                    f"{self.name}: {label} must have exactly one entry per job; "
                    f"missing {sorted(known - set(mapping))}, extra {sorted(set(mapping) - known)}"
                )
        for job in jobs:
            if self.durations[job] < 0:
                raise ValueError(f"{self.name}: {job} has a negative duration")
            unknown = [s for s in self.successors[job] if s not in known]
            if unknown:
                raise ValueError(f"{self.name}: {job} names unknown successors {unknown}")
            if len(self.demands[job]) != len(self.resources):
                raise ValueError(
                    f"{self.name}: {job} gives {len(self.demands[job])} demands for "
                    f"{len(self.resources)} resources"
                )
        if len(self.capacities) != len(self.resources):
            raise ValueError(f"{self.name}: {len(self.capacities)} capacities, "
                             f"{len(self.resources)} resources")
        object.__setattr__(self, "jobs", jobs)
        object.__setattr__(self, "resources", tuple(self.resources))
        object.__setattr__(self, "capacities", tuple(self.capacities))
        object.__setattr__(self, "durations", MappingProxyType(
            {j: self.durations[j] for j in jobs}))
        object.__setattr__(self, "successors", MappingProxyType(
            {j: tuple(self.successors[j]) for j in jobs}))
        object.__setattr__(self, "demands", MappingProxyType(
            {j: tuple(self.demands[j]) for j in jobs}))

    def __repr__(self) -> str:
        return (f"<PsplibInstance {self.name!r} jobs={len(self.jobs)} "
                f"mpm_time={self.mpm_time} horizon={self.horizon}>")

    def predecessors(self) -> dict[str, tuple[str, ...]]:
        """Job id -> ids of its real predecessors, each list in file order."""
        preds: dict[str, list[str]] = {job: [] for job in self.jobs}
        for job in self.jobs:
            for succ in self.successors[job]:
                preds[succ].append(job)
        return {job: tuple(p) for job, p in preds.items()}

    def critical_path_length(self) -> int:
        """The precedence-only makespan recomputed from durations and successors.

        Raises:
            ValueError: the successor lists contain a cycle.
        """
        preds = self.predecessors()
        finish: dict[str, int] = {}
        for job in _topological_order(self.jobs, self.successors, preds, name=self.name):
            start = max((finish[p] for p in preds[job]), default=0)
            finish[job] = start + self.durations[job]
        return max(finish.values(), default=0)


def _topological_order(
    jobs: tuple[str, ...],
    successors: Mapping[str, tuple[str, ...]],
    preds: Mapping[str, tuple[str, ...]],
    *,
    name: str,
) -> list[str]:
    waiting = {job: len(preds[job]) for job in jobs}
    ready = [job for job in reversed(jobs) if waiting[job] == 0]
    order: list[str] = []
    while ready:
        job = ready.pop()
        order.append(job)
        for succ in successors[job]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                ready.append(succ)
    if len(order) != len(jobs):
        stuck = [job for job in jobs if waiting[job] > 0]
        raise ValueError(f"{name}: the precedence relations contain a cycle among {stuck}")
    return order


# --------------------------------------------------------------------------- reading


def _syntax_error(name: str, section: str, message: str, *, source: str | None) -> PlanFileError:
    return PlanFileError(
        [Problem(code="syntax", item=name, field=section, message=message,
                 hint="expected a PSPLIB single-mode .sm file", file=source)],
        source=source,
    )


def _sections(text: str) -> list[list[str]]:
    """Split on the ``*****`` lines; each section is its non-blank lines."""
    sections: list[list[str]] = [[]]
    for line in text.splitlines():
        if _SEPARATOR.match(line):
            sections.append([])
        elif line.strip():
            sections[-1].append(line.rstrip())
    return [section for section in sections if section]


def _ints(line: str) -> list[int]:
    return [int(token) for token in line.split()]


class _Parser:
    def __init__(self, text: str, *, name: str, source: str | None) -> None:
        self.name = name
        self.source = source
        self.sections = _sections(text)

    def fail(self, section: str, message: str) -> PlanFileError:
        return _syntax_error(self.name, section, message, source=self.source)

    def section(self, title: str) -> list[str]:
        for section in self.sections:
            if section[0].strip().upper().startswith(title):
                return section[1:]
        raise self.fail(title, f"the section {title!r} is missing")

    def value(self, key: str) -> int:
        for section in self.sections:
            for line in section:
                label, colon, rest = line.partition(":")
                if colon and label.strip().lower().startswith(key):
                    tokens = rest.split()
                    if tokens and tokens[0].isdigit():
                        return int(tokens[0])
                    raise self.fail("header", f"{key!r} should be a whole number, got {rest!r}")
        raise self.fail("header", f"the header line {key!r} is missing")

    def rows(self, title: str, lines: list[str], *, width: int) -> list[list[int]]:
        rows: list[list[int]] = []
        for line in lines:
            if not line.strip()[0].isdigit():
                continue  # a column header or a dashed rule
            try:
                row = _ints(line)
            except ValueError:
                raise self.fail(title, f"expected whole numbers, got {line.strip()!r}") from None
            if len(row) < width:
                raise self.fail(title, f"expected at least {width} numbers, got {line.strip()!r}")
            rows.append(row)
        return rows

    def parse(self) -> PsplibInstance:
        total_jobs = self.value("jobs")
        horizon = self.value("horizon")

        info = self.rows("PROJECT INFORMATION", self.section("PROJECT INFORMATION"), width=6)
        if len(info) != 1:
            raise self.fail("PROJECT INFORMATION", f"expected one project line, got {len(info)}")
        mpm_time = info[0][5]

        precedence = self.rows("PRECEDENCE RELATIONS", self.section("PRECEDENCE RELATIONS"),
                               width=3)
        requests_lines = self.section("REQUESTS/DURATIONS")
        header = next((line for line in requests_lines if "duration" in line.lower()), None)
        if header is None:
            raise self.fail("REQUESTS/DURATIONS", "the column header 'jobnr. mode duration ...' "
                            "is missing")
        resources = tuple(
            f"{letter}{number}"
            for letter, number in _RESOURCE_HEADER.findall(header.lower().split("duration", 1)[1]
                                                           .upper())
        )
        requests = self.rows("REQUESTS/DURATIONS", requests_lines, width=3 + len(resources))

        availability = self.rows("RESOURCEAVAILABILITIES", self.section("RESOURCEAVAILABILITIES"),
                                 width=len(resources))
        if len(availability) != 1 or len(availability[0]) != len(resources):
            raise self.fail("RESOURCEAVAILABILITIES",
                            f"expected one line of {len(resources)} capacities")

        for title, rows in (("PRECEDENCE RELATIONS", precedence), ("REQUESTS/DURATIONS", requests)):
            numbers = [row[0] for row in rows]
            if numbers != list(range(1, total_jobs + 1)):
                raise self.fail(title, f"expected jobs 1..{total_jobs} in order, got "
                                f"{len(numbers)} rows numbered {numbers[:3]}..{numbers[-3:]}")
        sink = total_jobs
        for number in (1, sink):
            if requests[number - 1][2] != 0:
                raise self.fail("REQUESTS/DURATIONS",
                                f"dummy job {number} should take 0 periods, "
                                f"takes {requests[number - 1][2]}")

        successors: dict[str, tuple[str, ...]] = {}
        for row in precedence[1:-1]:
            number, _modes, count, *succ = row
            if len(succ) != count:
                raise self.fail("PRECEDENCE RELATIONS",
                                f"job {number} announces {count} successors, lists {len(succ)}")
            bad = [s for s in succ if not 1 < s <= sink]
            if bad:
                raise self.fail("PRECEDENCE RELATIONS",
                                f"job {number} names successors {bad} outside 2..{sink}")
            successors[job_id(number)] = tuple(job_id(s) for s in succ if s != sink)
        real = requests[1:-1]
        return PsplibInstance(
            name=self.name,
            jobs=tuple(job_id(row[0]) for row in real),
            durations={job_id(row[0]): row[2] for row in real},
            successors=successors,
            demands={job_id(row[0]): tuple(row[3:3 + len(resources)]) for row in real},
            resources=resources,
            capacities=tuple(availability[0]),
            mpm_time=mpm_time,
            horizon=horizon,
        )


def read_psplib(source: str | os.PathLike[str], *, name: str | None = None) -> PsplibInstance:
    """Read one PSPLIB single-mode ``.sm`` instance from a path or from its text.

    Args:
        source: a path (``str`` without a line break, or ``os.PathLike``) or the file's text.
        name: the instance name; defaults to the file name without ``.sm`` (``"psplib"`` for text).

    Returns:
        The instance, without the dummy source and sink.

    Raises:
        PlanFileError: the file is missing, not text, or not in the ``.sm`` layout
            (codes ``file-not-found``, ``encoding``, ``syntax``).

    Example:
        >>> text = '''
        ... jobs (incl. supersource/sink ):  3
        ... horizon                       :  4
        ... ****************************
        ... PROJECT INFORMATION:
        ... pronr.  #jobs rel.date duedate tardcost  MPM-Time
        ...     1      1      0        4        0         4
        ... ****************************
        ... PRECEDENCE RELATIONS:
        ... jobnr.    #modes  #successors   successors
        ...    1        1          1           2
        ...    2        1          1           3
        ...    3        1          0
        ... ****************************
        ... REQUESTS/DURATIONS:
        ... jobnr. mode duration  R 1
        ... ----------------------------
        ...   1      1     0       0
        ...   2      1     4       3
        ...   3      1     0       0
        ... ****************************
        ... RESOURCEAVAILABILITIES:
        ...   R 1
        ...     5
        ... '''
        >>> inst = read_psplib(text, name="one-job")
        >>> inst.jobs, dict(inst.durations), dict(inst.demands), inst.capacities
        (('job-2',), {'job-2': 4}, {'job-2': (3,)}, (5,))
    """
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return _Parser(source, name=name or "psplib", source=None).parse()
    path = Path(source)
    label = str(path)
    instance_name = name or path.name.removesuffix(".sm")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanFileError(
            [Problem(code="file-not-found", item=instance_name, field="",
                     message=f"cannot read {label}: {exc.strerror or exc}",
                     hint="check the path", file=label)],
            source=label,
        ) from None
    return _parse_bytes(data, name=instance_name, source=label)


def _parse_bytes(data: bytes, *, name: str, source: str) -> PsplibInstance:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError(
            [Problem(code="encoding", item=name, field="",
                     message=f"byte {exc.start} is not UTF-8 text",
                     hint="PSPLIB .sm files are plain ASCII text", file=source)],
            source=source,
        ) from None
    return _Parser(text, name=name, source=source).parse()


def iter_psplib_archive(
    archive: str | os.PathLike[str] | IO[bytes],
) -> Iterator[PsplibInstance]:
    """Yield every ``.sm`` member of a zip archive (e.g. ``j60.sm.zip``) without extracting it.

    Members come in natural order (``j301_1``, ``j301_2``, ..., ``j302_1``, ..., ``j3010_1``);
    each is named after its file name without ``.sm``.

    Args:
        archive: the zip file's path, or a binary file object holding it.

    Raises:
        PlanFileError: a member is not a valid ``.sm`` file (the error names ``archive:member``).
        zipfile.BadZipFile: the file is not a zip archive.

    Example:
        >>> inst = PsplibInstance(name="tiny", jobs=("job-2",), durations={"job-2": 3},
        ...     successors={"job-2": ()}, demands={"job-2": (1,)}, resources=("R1",),
        ...     capacities=(1,), mpm_time=3, horizon=3)
        >>> buffer = io.BytesIO()
        >>> with zipfile.ZipFile(buffer, "w") as zf:
        ...     for n in (10, 2, 1):
        ...         zf.writestr(f"j30{n}_1.sm", format_psplib(inst))
        >>> [i.name for i in iter_psplib_archive(buffer)]
        ['j301_1', 'j302_1', 'j3010_1']
    """
    label = str(archive) if isinstance(archive, str | os.PathLike) else "<archive>"
    with zipfile.ZipFile(archive) as zf:
        members = [
            info for info in zf.infolist()
            if not info.is_dir() and info.filename.lower().endswith(".sm")
        ]
        members.sort(key=lambda info: _natural_key(info.filename))
        for info in members:
            stem = info.filename.rsplit("/", 1)[-1][: -len(".sm")]
            yield _parse_bytes(zf.read(info), name=stem, source=f"{label}:{info.filename}")


def format_psplib(instance: PsplibInstance) -> str:
    """Write an instance as PSPLIB ``.sm`` text, dummy source and sink restored.

    Reading the text back gives an equal instance (jobs are renumbered 2..N-1 in order).

    Example:
        >>> inst = PsplibInstance(name="tiny", jobs=("job-2",), durations={"job-2": 3},
        ...     successors={"job-2": ()}, demands={"job-2": (1,)}, resources=("R1",),
        ...     capacities=(1,), mpm_time=3, horizon=3)
        >>> read_psplib(format_psplib(inst), name="tiny") == inst
        True
    """
    number = {job: index for index, job in enumerate(instance.jobs, start=2)}
    sink = len(instance.jobs) + 2
    preds = instance.predecessors()
    stars = "*" * 72
    resource_header = "".join(f"  {r[0]} {r[1:]}" for r in instance.resources)

    def precedence(job_number: int, succ: list[int]) -> str:
        return f"{job_number:>4}        1 {len(succ):>10}    " + "".join(f"{s:>4}" for s in succ)

    def request(job_number: int, duration: int, demand: tuple[int, ...]) -> str:
        return f"{job_number:>3}      1 {duration:>5}  " + "".join(f"{d:>5}" for d in demand)

    zeros = (0,) * len(instance.resources)
    lines = [
        stars,
        f"file with basedata            : {instance.name}.bas",
        stars,
        "projects                      :  1",
        f"jobs (incl. supersource/sink ):  {sink}",
        f"horizon                       :  {instance.horizon}",
        stars,
        "PROJECT INFORMATION:",
        "pronr.  #jobs rel.date duedate tardcost  MPM-Time",
        f"    1 {len(instance.jobs):>6}      0 {instance.mpm_time:>8}"
        f"        0 {instance.mpm_time:>9}",
        stars,
        "PRECEDENCE RELATIONS:",
        "jobnr.    #modes  #successors   successors",
        precedence(1, [number[j] for j in instance.jobs if not preds[j]] or [sink]),
    ]
    for job in instance.jobs:
        succ = [number[s] for s in instance.successors[job]] or [sink]
        lines.append(precedence(number[job], succ))
    lines += [
        precedence(sink, []).rstrip(),
        stars,
        "REQUESTS/DURATIONS:",
        f"jobnr. mode duration{resource_header}",
        "-" * 72,
        request(1, 0, zeros),
    ]
    lines += [request(number[j], instance.durations[j], instance.demands[j]) for j in instance.jobs]
    lines += [
        request(sink, 0, zeros),
        stars,
        "RESOURCEAVAILABILITIES:",
        resource_header,
        "".join(f"{c:>5}" for c in instance.capacities),
        stars,
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- as a plan


def psplib_plan(
    instance: PsplibInstance,
    *,
    start: dt.date,
    due: dt.date | None = None,
) -> Plan:
    """The instance as a precedence-only backplan plan on a seven-day calendar.

    Every real job becomes an :class:`~backplan.models.Action` with the same id, a duration in
    days equal to its duration in periods, and ``after`` = its real predecessors (lag 0). Every day
    is a working day and there are no holidays, so period ``t`` is the day ``start + t``. Resources
    are ignored.

    The goal is due on ``start + (mpm_time - 1)`` days unless ``due`` says otherwise: the last day
    of the critical path when work begins on ``start``, so scheduling from ``today=start`` is
    exactly feasible (minimum slack 0).

    Zero-duration real jobs: backplan durations are at least 1 day, and rounding a 0 up to 1 would
    change the critical path. Such a job is bypassed instead: it is left out of the plan and its
    successors inherit its predecessors, which keeps every precedence-only time and the MPM-Time
    unchanged. None of the 2,040 PSPLIB j30..j120 instances has one; the rule is for other files.

    Args:
        instance: the PSPLIB instance.
        start: the date of period 0 (pass it as ``today`` when scheduling).
        due: the goal's due date; default ``start + mpm_time - 1`` days.

    Returns:
        A plan with goal id ``instance.name`` and one action per job of positive duration.

    Raises:
        PlanValidationError: the instance has no job of positive duration (code ``invalid-value``).

    Example:
        >>> inst = PsplibInstance(name="tiny", jobs=("job-2", "job-3", "job-4"),
        ...     durations={"job-2": 2, "job-3": 0, "job-4": 3},
        ...     successors={"job-2": ("job-3",), "job-3": ("job-4",), "job-4": ()},
        ...     demands={j: (0,) for j in ("job-2", "job-3", "job-4")}, resources=("R1",),
        ...     capacities=(1,), mpm_time=5, horizon=5)
        >>> plan = psplib_plan(inst, start=dt.date(2026, 1, 1))
        >>> [(a.id, a.after) for a in plan.actions], plan.goal.due.isoformat()
        ([('job-2', ()), ('job-4', ('job-2',))], '2026-01-05')
        >>> psplib_plan(inst, start=dt.date(2026, 1, 1), due=dt.date(2026, 1, 3)).goal.due
        datetime.date(2026, 1, 3)
    """
    if due is None:
        due = start + dt.timedelta(days=instance.mpm_time - 1)
    preds = instance.predecessors()
    real_preds: dict[str, tuple[str, ...]] = {}
    for job in _topological_order(instance.jobs, instance.successors, preds, name=instance.name):
        inherited: list[str] = []
        for pred in preds[job]:
            through = (pred,) if instance.durations[pred] > 0 else real_preds[pred]
            inherited.extend(p for p in through if p not in inherited)
        real_preds[job] = tuple(inherited)
    actions = tuple(
        Action(id=job, title=f"PSPLIB job {job.removeprefix('job-')}",
               duration=instance.durations[job], after=real_preds[job])
        for job in instance.jobs
        if instance.durations[job] > 0
    )
    if not actions:
        raise PlanValidationError(
            [Problem(code="invalid-value", item=instance.name, field="durations",
                     message="every job takes 0 periods, so the plan would have no action",
                     hint="use an instance with at least one job of positive duration")],
            source=instance.name,
        )
    return Plan(
        goal=Goal(id=instance.name, title=f"PSPLIB {instance.name} (precedence only)", due=due),
        calendar=Calendar(workdays=_ALL_DAYS),
        actions=actions,
    )


# --------------------------------------------------------------------------- bounds


@dataclass(frozen=True, slots=True)
class PsplibBounds:
    """Known makespan bounds of one instance, a row of ``summary.csv``.

    Attributes:
        set: ``j30``, ``j60``, ``j90`` or ``j120``.
        instance: the instance name, e.g. ``j301_1``.
        parameter: the ProGen parameter group (``P`` in ``j30<P>_<I>``).
        index: the instance within its group (``I``).
        jobs: jobs including the two dummies.
        horizon: the sum of all durations.
        critical_path: the MPM-Time (precedence only).
        lower_bound: the best lower bound on the resource-feasible makespan.
        lower_bound_source: where ``lower_bound`` comes from (a file name or ``critical_path``).
        upper_bound: the best known (heuristic) makespan.
        optimum: the proven optimal makespan, or None where unproven.
    """

    set: str
    instance: str
    parameter: int
    index: int
    jobs: int
    horizon: int
    critical_path: int
    lower_bound: int
    lower_bound_source: str
    upper_bound: int
    optimum: int | None


def read_psplib_summary(path: str | os.PathLike[str]) -> dict[str, PsplibBounds]:
    """Read ``summary.csv`` (shared/data/psplib) into bounds keyed by instance name.

    Raises:
        PlanFileError: the file is missing or a row is malformed.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp) / "summary.csv"
        ...     _ = path.write_text(
        ...         "set,instance,parameter,index,jobs,horizon,critical_path,lower_bound,"
        ...         "lower_bound_source,upper_bound,optimum\\n"
        ...         "j30,j301_1,1,1,32,158,38,43,j30opt.sm,43,43\\n"
        ...         "j120,j12060_7,60,7,122,623,84,84,critical_path,94,\\n")
        ...     bounds = read_psplib_summary(path)
        >>> bounds["j301_1"].optimum, bounds["j12060_7"].optimum, bounds["j12060_7"].upper_bound
        (43, None, 94)
    """
    label = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            [Problem(code="file-not-found", item="summary", field="",
                     message=f"cannot read {label}: {exc}", file=label)],
            source=label,
        ) from None
    bounds: dict[str, PsplibBounds] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            item = PsplibBounds(
                set=row["set"],
                instance=row["instance"],
                parameter=int(row["parameter"]),
                index=int(row["index"]),
                jobs=int(row["jobs"]),
                horizon=int(row["horizon"]),
                critical_path=int(row["critical_path"]),
                lower_bound=int(row["lower_bound"]),
                lower_bound_source=row["lower_bound_source"],
                upper_bound=int(row["upper_bound"]),
                optimum=int(row["optimum"]) if row["optimum"] else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanFileError(
                [Problem(code="syntax", item=row.get("instance") or f"row {line}", field="",
                         message=f"malformed summary row: {exc}", file=label, line=line)],
                source=label,
            ) from None
        bounds[item.instance] = item
    return bounds
