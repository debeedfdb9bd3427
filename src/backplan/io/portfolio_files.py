"""Portfolio files (YAML or JSON): the plans, the objectives they serve and the people they share.

:func:`load_portfolio` reads a portfolio file (see :mod:`backplan.models.portfolio` for its
fields), the people file it may name, and every plan its ``plans:`` entries name (paths or
globs, relative to the portfolio file; a glob's matches in name order), each plan read as
:func:`~backplan.load_plan` reads it. It then checks what only the whole portfolio can check:

* a plan may book the portfolio's people without defining them, but may not redefine them
  (``duplicate-id``): a shared person is one person, with one set of hours. A plan that names
  the portfolio's people file (``people: ../people.yaml``), or lists a shared person exactly as
  the portfolio defines them, does not redefine them, and runs on its own too;
* each goal's ``parent`` names an objective or another plan's goal (``unknown-id``), goal ids
  are unique across plans and distinct from objective ids (``duplicate-id``), and parents do
  not go round in a circle (``cycle``);
* the shared risks name goals and actions the plans have.

Every problem, in the portfolio file, the people file or any plan, is reported at once in one
:class:`~backplan.PlanValidationError`, each with its file and line (``backplan portfolio``
prints them and exits 2). A portfolio file that cannot be read raises
:class:`~backplan.PlanFileError`.

:func:`build_portfolio` makes a portfolio of plans already in memory, with the same checks.

Example:
    >>> portfolio = load_portfolio("examples/portfolio/portfolio.yaml")
    >>> [entry.path for entry in portfolio.plans]
    ['teams/billing.yaml', 'teams/collections.yaml', 'teams/onboarding.yaml', 'teams/retention.yaml']
    >>> sorted(portfolio.shared_people)
    ['qa', 'trainer']
"""

from __future__ import annotations

import dataclasses
import glob
import operator
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from backplan.errors import PlanError, PlanFileError, PlanValidationError, Problem
from backplan.io._locate import line_of, locate_problems
from backplan.io._problems import follows_from_items, problem_from_error
from backplan.io._yaml import Loc, read_yaml
from backplan.io.plan_files import (
    holds_portfolio,
    loads_plan,
    plain_plan_data,
    plan_check_problems,
    read_people_file,
)
from backplan.models import Person, Plan
from backplan.models.portfolio import (
    Objective,
    Portfolio,
    PortfolioFile,
    PortfolioPlan,
    SharedRisk,
)

__all__ = ["build_portfolio", "is_portfolio", "load_portfolio"]

_GLOB_CHARACTERS = frozenset("*?[")


def load_portfolio(source: str | os.PathLike[str] | Mapping[str, Any]) -> Portfolio:
    """Load a portfolio file and every plan it names (see the module docstring).

    Args:
        source: the portfolio file's path, or a mapping shaped like the file (its paths are
            then relative to the current directory).

    Returns:
        The :class:`~backplan.Portfolio`: each plan with the portfolio people it books.

    Raises:
        PlanFileError: the portfolio file is missing, not UTF-8, not YAML/JSON or not a
            mapping.
        PlanValidationError: every problem in the portfolio, the people file and the plans,
            each with its file and line.

    Example:
        >>> from backplan.errors import PlanValidationError
        >>> try:
        ...     load_portfolio({"portfolio": {"id": "p"}, "plans": ["no/such/*.yaml"]})
        ... except PlanValidationError as exc:
        ...     print(exc.problems[0].code, exc.problems[0].message)
        file-not-found 'no/such/*.yaml' matches no file in .
    """
    file: str | None = None
    loc: Loc | None = None
    if isinstance(source, Mapping):
        data: Any = dict(source)
        base = "."
    else:
        file = os.fspath(source)
        data, loc = read_yaml(_read_text(file, "portfolio"), file=file)
        base = os.path.dirname(file) or "."
    if not isinstance(data, dict):
        raise PlanFileError([Problem(
            "not-a-mapping", "portfolio", "", "the portfolio file is not a mapping of sections",
            "start it with 'portfolio: {id: ..., title: ...}' and list the plans under "
            "'plans:'", file, loc.line if loc is not None else None)], source=file)
    if "goal" in data and "portfolio" not in data:
        raise PlanValidationError([Problem(
            "missing-field", "portfolio", "portfolio",
            "this is a plan file (it has 'goal:'), not a portfolio",
            "schedule a plan with 'backplan schedule'; a portfolio file names its plans under "
            "'plans:'", file, loc.line if loc is not None else None)], source=file,
            subject="the portfolio")
    reader = _Reader(data, loc, file, base)
    return reader.portfolio()


def build_portfolio(
    plans: Iterable[Plan | PortfolioPlan],
    *,
    id: str,
    title: str = "",
    objectives: Iterable[Objective | Mapping[str, Any]] = (),
    people: Iterable[Person | Mapping[str, Any]] = (),
    risks: Iterable[SharedRisk | Mapping[str, Any]] = (),
) -> Portfolio:
    """A portfolio of plans already in memory, checked as :func:`load_portfolio` checks a file.

    A :class:`~backplan.Plan` is named by its goal's id (its ``path``); give a
    :class:`~backplan.PortfolioPlan` to choose the path and the priority.

    Raises:
        PlanValidationError: every problem (without lines).

    Example:
        >>> from backplan import load_plan
        >>> plans = [load_plan({"goal": {"id": f"g{k}", "due": "2027-03-31", "parent": "o"},
        ...                     "actions": [{"id": "a", "effort": 8, "assignees": ["qa"]}]},
        ...                    check=False) for k in (1, 2)]
        >>> portfolio = build_portfolio(plans, id="p", objectives=[{"id": "o"}],
        ...                             people=[{"id": "qa", "hours_per_day": 2}])
        >>> {e.path: [p.id for p in e.plan.people] for e in portfolio.plans}
        {'g1': ['qa'], 'g2': ['qa']}
    """
    data = {
        "portfolio": {"id": id, "title": title},
        "objectives": [o if isinstance(o, Mapping) else o.model_dump() for o in objectives],
        "people": [p if isinstance(p, Mapping) else p.model_dump() for p in people],
        "plans": ["(in memory)"],
        "risks": [r if isinstance(r, Mapping) else r.model_dump() for r in risks],
    }
    reader = _Reader(data, None, None, ".")
    entries = [e if isinstance(e, PortfolioPlan) else PortfolioPlan(e.goal.id, e)
               for e in plans]
    return reader.portfolio(entries)


def is_portfolio(source: str | os.PathLike[str] | Mapping[str, Any]) -> bool:
    """Whether ``source`` (a path or a mapping) is a portfolio file rather than a plan: a
    mapping with ``portfolio:`` and no ``goal:``. A file that cannot be read is not one (the
    plan reader then says why).

    Example:
        >>> is_portfolio("examples/portfolio/portfolio.yaml"), is_portfolio("examples/fcr.yaml")
        (True, False)
    """
    data: Any = source
    if not isinstance(source, Mapping):
        file = os.fspath(source)
        try:
            text = _read_text(file, "portfolio")
            data = plain_plan_data(text, source=file)  # quick: a big plan is read in C
            if data is None:
                data, _ = read_yaml(text, file=file)
        except PlanFileError:
            return False
    return holds_portfolio(data)


# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class _Read:
    """A plan file read: where it is, what it said, and its text (for lines)."""

    path: str
    file: str | None
    priority: int | None
    line: int | None
    plan: Plan
    text: str | None = None
    loc: Loc | None = None
    parsed: bool = False

    def tree(self) -> Loc | None:
        if not self.parsed and self.text is not None:
            self.parsed = True
            try:
                self.loc = read_yaml(self.text, file=self.file)[1]
            except PlanFileError:  # JSON that YAML reads differently: lines left out
                self.loc = None
        return self.loc


class _Reader:
    """Reads one portfolio: the file's data, its people, its plans; collects every problem."""

    def __init__(self, data: dict[str, Any], loc: Loc | None, file: str | None,
                 base: str) -> None:
        self.data = data
        self.loc = loc
        self.file = file
        self.base = base
        self.problems: list[Problem] = []
        self.unread = 0  # plans that could not be read (their goals are unknown)

    def portfolio(self, given: Sequence[PortfolioPlan] | None = None) -> Portfolio:
        data = dict(self.data)
        people_source = data.get("people")
        people: tuple[Person, ...] | None = None
        if isinstance(people_source, str):
            people = self._people_file(people_source)
            data["people"] = []
        try:
            model = PortfolioFile.model_validate(data)
        except ValidationError as exc:
            loc = self.loc

            def name(path: Sequence[str | int]) -> tuple[str, str, int | None]:
                return (*_name(path, data), line_of(loc, path))

            self.problems += [problem_from_error(error, PortfolioFile, name, file=self.file)
                              for error in exc.errors() if not follows_from_items(error)]
            self._raise()
        shared = people if people is not None else model.people
        reads = self._plans(model) if given is None else [
            _Read(e.path, e.file, e.priority, None, e.plan) for e in given]
        by_id = {p.id: p for p in shared}
        entries = []
        for read in reads:
            plan = self._merged(read, by_id)
            priority = read.priority if read.priority is not None else read.plan.priority
            entries.append(PortfolioPlan(read.path, plan or read.plan, priority, read.file))
        portfolio = Portfolio(model.portfolio.id, model.portfolio.title, model.objectives,
                              shared, tuple(entries), model.risks, self.file)
        self._portfolio_problems(portfolio, reads, complete=self.unread == 0)
        self._raise()
        return portfolio

    # -- the portfolio file ------------------------------------------------------------------
    def _raise(self) -> None:
        """Raise every problem once, in file order: the portfolio file, then each plan file in
        the order the portfolio lists them, each by line (a people file that several plans
        name says its problem once, not once per plan)."""
        if self.problems:
            rank = {self.file: 0}
            for problem in self.problems:
                rank.setdefault(problem.file, len(rank))
            once: list[Problem] = []
            seen: set[Problem] = set()  # the same words at the same place in a file: once
            for problem in self.problems:
                if problem.file is None or problem not in seen:
                    once.append(problem)
                    seen.add(problem)
            ordered = sorted(once, key=lambda p: (rank[p.file], p.line is None, p.line or 0))
            raise PlanValidationError(ordered, source=self.file, subject="the portfolio")

    def _people_file(self, name: str) -> tuple[Person, ...]:
        found = read_people_file(name, base=self.base, file=self.file,
                                 line=line_of(self.loc, ("people",)), referrer="portfolio")
        self.problems += found.problems
        return found.people

    def _plans(self, model: PortfolioFile) -> list[_Read]:
        found: dict[str, int] = {}
        reads: list[_Read] = []
        for k, entry in enumerate(model.plans):
            line = line_of(self.loc, ("plans", k))
            if _GLOB_CHARACTERS.intersection(entry.path):
                matches = sorted(m for m in glob.glob(entry.path, root_dir=self.base,
                                                      recursive=True)
                                 if os.path.isfile(os.path.join(self.base, m)))
                if not matches:
                    self.unread += 1
                    self.problems.append(Problem(
                        "file-not-found", entry.path, "plans",
                        f"{entry.path!r} matches no file in {self.base}",
                        "check the pattern; paths are relative to the portfolio file",
                        self.file, line))
            else:
                matches = [entry.path]
            for match in matches:
                key = os.path.normcase(os.path.abspath(os.path.join(self.base, match)))
                if key in found:
                    earlier = reads[found[key]]
                    if earlier is _MISSING:
                        continue
                    if entry.priority is not None and earlier.priority is None:
                        earlier.priority = entry.priority
                    elif entry.priority not in (None, earlier.priority):
                        self.problems.append(Problem(
                            "contradiction", match, "plans",
                            f"plan {match} is given priority {earlier.priority} and "
                            f"{entry.priority}", "give it one priority", self.file, line))
                    continue
                found[key] = len(reads)
                reads.append(self._plan(match, entry.priority, line))
        return [read for read in reads if read is not _MISSING]

    def _plan(self, path: str, priority: int | None, line: int | None) -> _Read:
        target = os.path.normpath(os.path.join(self.base, path))
        try:
            text = _read_text(target, "plan")
        except PlanFileError as error:
            for problem in error.problems:
                if problem.code == "file-not-found":
                    problem = Problem("file-not-found", path, "plans", problem.message,
                                      "check the path; plan paths are relative to the "
                                      "portfolio file", self.file, line)
                self.problems.append(problem)
            self.unread += 1
            missing: _Read = _MISSING
            return missing
        try:
            plan = loads_plan(text, source=target, check=False)
        except PlanError as error:
            self.problems += error.problems
            self.unread += 1
            unread: _Read = _MISSING
            return unread
        return _Read(path, target, priority, line, plan, text)

    # -- people and checks -------------------------------------------------------------------
    def _merged(self, read: _Read, shared: Mapping[str, Person]) -> Plan | None:
        """The plan with the shared people it books; None when it has problems (recorded)."""
        plan = read.plan
        # A person the plan's own people file defines is not in the plan's text: at 'people:'.
        people_line = line_of(read.tree(), ("people",)) if read.text is not None else None
        problems = [
            Problem("duplicate-id", p.id, "id",
                    f"person {p.id!r} is defined by the portfolio; a plan may not redefine a "
                    "shared person", f"remove {p.id} from this plan's people, or name the "
                    "portfolio's people file (the portfolio's hours hold in every plan)",
                    line=people_line)
            for p in plan.people if p.id in shared and p != shared[p.id]]
        # Its own people, then the shared people it books: one object per person.
        booked = {a.person for action in plan.actions for a in action.assignees}
        people = tuple(p for p in plan.people if p.id not in shared) + tuple(
            p for pid, p in shared.items() if pid in booked)
        if len(people) != len(plan.people) or any(map(operator.is_not, people, plan.people)):
            plan = plan.model_copy(update={"people": people})
        problems += plan_check_problems(plan)
        if not problems:
            return plan
        if read.text is None:
            self.problems += [dataclasses.replace(p, item=p.item, file=read.file)
                              if read.file else p for p in problems]
        else:
            self.problems += locate_problems(problems, read.tree(), read.file)
        return None

    def _portfolio_problems(self, portfolio: Portfolio, reads: Sequence[_Read], *,
                            complete: bool) -> None:
        """The alignment tree's and the shared risks' problems; with plans that could not be
        read (``complete`` False), only those that their goals cannot explain away."""
        from backplan.graph.portfolio import alignment_problems, shared_risk_problems

        by_goal = {read.plan.goal.id: read for read in reads}
        for problem in alignment_problems(portfolio):
            if not complete and problem.code in ("unknown-id", "cycle"):
                continue
            read = by_goal.get(problem.item)
            if read is not None and problem.field in ("id", "parent") and (
                    problem.code != "duplicate-id" or "objective" in problem.message):
                self.problems += locate_problems([problem], read.tree(), read.file)
            elif read is not None and problem.code == "duplicate-id":
                second = [r for r in reads if r.plan.goal.id == problem.item][1:]
                target = second[0] if second else read
                self.problems += locate_problems([problem], target.tree(), target.file)
            else:
                self.problems.append(self._located(problem, "objectives"))
        self.problems += [self._located(p, "risks") for p in shared_risk_problems(portfolio)
                          if complete or p.code != "unknown-id"]

    def _located(self, problem: Problem, section: str) -> Problem:
        """A problem about an item of the portfolio file's ``section``, with its line."""
        items = self.data.get(section)
        line = line_of(self.loc, (section,))
        if isinstance(items, list):
            for k, item in enumerate(items):
                if isinstance(item, dict) and item.get("id") == problem.item:
                    field = problem.field.split(".")[0]
                    line = line_of(self.loc, (section, k, field) if field else (section, k))
        return dataclasses.replace(problem, file=self.file, line=line)


_MISSING: Any = object()  # a plan that could not be read (its problems are recorded)


def _read_text(path: str, what: str) -> str:
    try:
        raw = FilePath(path).read_bytes()
    except FileNotFoundError:
        raise PlanFileError([Problem(
            "file-not-found", what, "", f"no such file: {path!r}",
            "check the path and the file name", path)], source=path) from None
    except OSError as exc:
        raise PlanFileError([Problem(
            "file-not-found", what, "", f"cannot read {path!r}: {exc.strerror or exc}",
            "check that the file exists and that you may read it", path)], source=path) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError([Problem(
            "encoding", what, "", f"byte offset {exc.start} is not valid UTF-8",
            "save the file as UTF-8", path, raw.count(b"\n", 0, exc.start) + 1)],
            source=path) from None


#: The lists of the portfolio file whose entries are items, and what names one.
_ITEM_LISTS = {"objectives": "id", "people": "id", "risks": "id", "plans": "path"}


def _name(path: Sequence[str | int], data: Any) -> tuple[str, str]:
    """The item a data path falls in (an objective, person or risk by id, a plan entry by its
    path, ``portfolio``) and the dotted field below it."""
    if not path:
        return "portfolio", ""
    head = path[0]
    if head in _ITEM_LISTS and len(path) >= 2 and isinstance(path[1], int):
        entries = data.get(head) if isinstance(data, dict) else None
        entry = entries[path[1]] if isinstance(entries, list) and path[1] < len(
            entries) else None
        name = entry if isinstance(entry, str) else (
            entry.get(_ITEM_LISTS[str(head)]) if isinstance(entry, dict) else None)
        item = name if isinstance(name, str) and name.strip() else f"{head}[{path[1]}]"
        rest = path[2:]
    elif head == "portfolio":
        info = data.get("portfolio") if isinstance(data, dict) else None
        name = info.get("id") if isinstance(info, dict) else None
        item = name if isinstance(name, str) and name.strip() else "portfolio"
        rest = path[1:]
    else:
        item, rest = "portfolio", path
    return item, ".".join(str(p) for p in rest if not isinstance(p, int))
