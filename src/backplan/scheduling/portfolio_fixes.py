"""Flags of a portfolio run, with fixes measured on the whole portfolio.

Two kinds of flag come out of a :class:`~backplan.scheduling.portfolio_run.PortfolioRun`:

* ``over-allocated`` (:class:`OverAllocationFlag`, subject: the person's id): a shared person
  whose hours the plans ahead in priority took, so that a later plan is late. It names the
  person, every plan that shares the person on the contested days, those days and the hours
  the late plans are short. A plan's own ``over-capacity`` flag on a shared person becomes
  part of it when plans ahead of it booked that person between today and its due date;
* every plan's own flags (:class:`PortfolioFlag`, naming the plan), as ``backplan schedule``
  gives them for the plan in its place in the portfolio.

Every fix is a list of :class:`~backplan.PortfolioChange` (a plan's change with ``plan``
naming the plan, a shared person's extra hours, a plan's ``priority``), measured by
scheduling the whole portfolio again with exactly those changes
(:meth:`~backplan.scheduling.portfolio_run.PortfolioRun.with_changes`): ``feasible_after``
says whether every plan is then feasible, ``min_slack_after`` is the portfolio's least slack
then, and ``days`` the change in that least slack (the working days it buys). A fix that
neither makes the portfolio feasible, nor buys slack, nor clears its own flag (without making
another plan infeasible) is not offered.
The fixes of an ``over-allocated`` flag:

* ``add-hours``: the fewest extra half hours a day for the person that make the late plans
  feasible (or, when none does, that give them as much slack as the most would);
* ``move-due``: a late plan's deadlines moved to where its levelled dates reach (every
  deadline that must move), as for a plan alone;
* ``raise-priority``: a late plan's priority set ahead of the plans that took the hours;
* ``descope``: a late plan's could- and should-have actions on the person dropped.

A plan's own flags carry the fixes a plan alone would get, measured on the plan in its place
(``measured_on: plan``); a shared person's extra hours among them are measured on the
portfolio. Fixes are ranked as for a plan: those that make the portfolio feasible first, then
fewer changes, then the least moved, then the most slack. Measuring is bounded (see
:func:`portfolio_flags`): the cheapest kinds of every flag first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from backplan.calendars import plan_calendar
from backplan.errors import BackplanError
from backplan.models.changes import apply_changes
from backplan.models.portfolio import PortfolioChange
from backplan.models.scenario import ScenarioChange
from backplan.scheduling.fixes import (
    HOURS_STEP,
    Measure,
    cleared,
    describe_changes,
    fewest_added_hours,
    hour_steps,
    moved_deadlines,
    verify_fixes,
)
from backplan.scheduling.portfolio_run import LevellingLimitError, PortfolioRun
from backplan.scheduling.result import Fix, Flag, Schedule
from backplan.words import working_days

__all__ = [
    "MeasuredOn", "OverAllocationFlag", "PortfolioFix", "PortfolioFlag", "portfolio_flags",
    "rank_portfolio_fixes",
]

_SECONDS_PER_HOUR = 3600

#: What a portfolio fix's claims were measured on.
MeasuredOn = Literal["portfolio", "plan"]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class PortfolioFix(Fix):
    """A fix of a portfolio flag: :class:`~backplan.Fix` whose changes are
    :class:`~backplan.PortfolioChange` (``portfolio_changes``; ``changes`` in the JSON), measured
    on the whole portfolio."""

    portfolio_changes: tuple[PortfolioChange, ...] = ()
    #: What ``feasible_after`` and ``min_slack_after`` were measured on: ``portfolio`` (every
    #: plan scheduled again) or ``plan`` (the plan alone, in its place in the portfolio).
    measured_on: MeasuredOn = "portfolio"

    def to_dict(self) -> dict[str, Any]:
        """The fix as JSON-ready data; ``changes`` name the plan each applies to, and
        ``measured_on`` says what the claims were measured on."""
        data = Fix.to_dict(self)
        data["changes"] = [change.to_dict() for change in self.portfolio_changes]
        data["measured_on"] = self.measured_on
        return data


@dataclass(frozen=True, slots=True)
class PortfolioFlag(Flag):
    """A flag of a portfolio: :class:`~backplan.Flag` with the plan it is about (``plan``, its
    path as the portfolio gives it, and ``goal``; both None for a flag about shared people or
    an objective). ``details`` are further JSON fields of the plan's own flag (an
    ``over-capacity`` flag's ``person``, ``days`` and ``shortfall_hours``)."""

    plan: str | None = None
    goal: str | None = None
    details: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The flag as JSON-ready data, with ``plan`` and ``goal``."""
        data = Flag.to_dict(self)
        data.update(self.details)
        data.update(plan=self.plan, goal=self.goal)
        return data

    def __str__(self) -> str:
        where = f" ({self.plan})" if self.plan else ""
        lines = [f"{self.severity.upper()} [{self.code}] {self.subject}{where}: {self.message}"]
        lines.extend(f"  fix: {fix}" for fix in self.fixes)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class OverAllocationFlag(PortfolioFlag):
    """An ``over-allocated`` flag: a shared person the plans need more of than they have.

    Attributes:
        person: the person's id (also the ``subject``).
        plans: the plans that share the person on those days, in levelling order (paths as
            the portfolio gives them): those ahead that booked the hours, then the late ones.
        late_plans: the plans late for lack of the person's hours.
        days: the working days, from today to the late plans' due dates, on which plans ahead
            of them booked the person.
        shortfall_hours: the hours of the person's work the late plans could not fit.

    ``chain`` and ``affected`` name actions as ``GOAL/ACTION`` (action ids are unique only
    within a plan).
    """

    person: str = ""
    plans: tuple[str, ...] = ()
    late_plans: tuple[str, ...] = ()
    days: tuple[dt.date, ...] = ()
    shortfall_hours: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The flag as JSON-ready data, with ``person``, ``plans``, ``late_plans``, ``days``
        and ``shortfall_hours``."""
        data = PortfolioFlag.to_dict(self)
        data.update(person=self.person, plans=list(self.plans),
                    late_plans=list(self.late_plans),
                    days=[d.isoformat() for d in self.days],
                    shortfall_hours=self.shortfall_hours)
        return data


def rank_portfolio_fixes(fixes: Iterable[PortfolioFix]) -> tuple[PortfolioFix, ...]:
    """``fixes`` without repeats (the same changes), best first: those that make the portfolio
    feasible, then fewer changes, then the least moved, then the most slack after."""
    seen: dict[str, PortfolioFix] = {}
    for fix in fixes:
        seen.setdefault(_key(fix.portfolio_changes), fix)
    return tuple(sorted(seen.values(), key=lambda fix: (
        not fix.feasible_after, len(fix.portfolio_changes), fix.moved,
        -(fix.min_slack_after if fix.min_slack_after is not None else -(10**9)))))


def _key(changes: Iterable[PortfolioChange]) -> str:
    return json.dumps([c.to_dict() for c in changes], sort_keys=True)


def _hours(hours: float) -> str:
    return f"{hours:g} h" if abs(hours * 10 - round(hours * 10)) < 1e-9 else f"{hours:.2f} h"


def _dates(days: Sequence[dt.date]) -> str:
    if len(days) <= 3:
        return ", ".join(d.isoformat() for d in days)
    return f"{len(days)} days from {days[0].isoformat()} to {days[-1].isoformat()}"


def _listed(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    if len(names) > 6:
        return f"{', '.join(names[:5])} and {len(names) - 5} more"
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --------------------------------------------------------------------------- the flags


#: Plan schedules that measuring the fixes of a portfolio may level, per plan of the portfolio
#: (at least :data:`MIN_FIX_WORK`): what is left unmeasured is not offered, and a
#: ``fixes-not-measured`` warning says so. A portfolio of a few dozen plans is never short.
FIX_WORK_PER_PLAN = 0.5
MIN_FIX_WORK = 200
#: Late plans of an ``over-allocated`` flag that get fixes of their own (the most short first).
LATE_PLANS_FIXED = 3


def portfolio_flags(
    run: PortfolioRun, *, fix_budget: int | None = None
) -> tuple[PortfolioRun, tuple[PortfolioFlag, ...]]:
    """The run's flags with measured fixes, errors before warnings: ``over-allocated`` flags
    (the most hours short first), then each plan's own flags (in levelling order); and the run
    with each plan's schedule carrying its own flags as shown.

    A plan that is late only because plans ahead took a shared person's hours (it is feasible
    on its own) shows no error flags of its own: its ``over-allocated`` flag names its late
    actions. ``fix_budget`` bounds the plan schedules levelled to measure fixes (default
    :data:`FIX_WORK_PER_PLAN` per plan, at least :data:`MIN_FIX_WORK`).
    """
    plans = len(run.portfolio.plans)
    budget = fix_budget if fix_budget is not None else max(MIN_FIX_WORK,
                                                           round(FIX_WORK_PER_PLAN * plans))
    verifier = _Verifier(run, budget)
    contested = _contested(run)
    converted = {(c.k, id(c.flag)) for c in contested}
    hours: dict[str, float] = {}
    for c in contested:
        hours[c.person] = hours.get(c.person, 0.0) + getattr(c.flag, "shortfall_hours", 0.0)
    drafts = [verifier.draft(person, [c for c in contested if c.person == person])
              for person in sorted(hours, key=lambda p: (-hours[p], p))]
    # The cheapest fixes first, while the budget lasts: a late plan's own changes (it and the
    # plans after it levelled again), each plan's own flags (that plan alone), then priorities
    # and a shared person's hours (every plan that books them levelled again).
    for kind in _KINDS[:2]:
        for draft in drafts:
            verifier.find_fixes(draft, kind)
    crowded_out = {c.k for c in contested if run.alone(c.k).feasible}
    schedules = list(run.outcomes)
    own_flags: list[PortfolioFlag] = []
    for k in run.order:
        entry = run.portfolio.plans[k]
        schedule = run.schedule(k)
        own = [f for f in schedule.flags if (k, id(f)) not in converted
               and not (k in crowded_out and f.severity == "error")]
        kept = tuple(f for f in schedule.flags if (k, id(f)) in converted)
        if own:

            def reschedule(plan: Any, k: int = k) -> Schedule:
                verifier.spend(1)
                return run.level(k, plan)

            plan_level = verify_fixes(entry.plan, dataclasses.replace(schedule, flags=tuple(
                own)), reschedule=reschedule)
            verified = [verifier.plan_flag(k, flag) for flag in plan_level.flags]
            if verifier.spent >= verifier.budget and any(f.fixes for f in own):
                verifier.skipped += 1
            own_flags += verified
            kept += tuple(verified)
        if kept != schedule.flags:
            schedules[k] = dataclasses.replace(schedules[k], schedule=dataclasses.replace(
                schedule, flags=kept))
    for kind in _KINDS[2:]:
        for draft in drafts:
            verifier.find_fixes(draft, kind)
    verifier.skipped += sum(draft.short for draft in drafts)
    flags: list[PortfolioFlag] = [verifier.over_allocated(draft) for draft in drafts]
    flags += own_flags
    if verifier.skipped:
        flags.append(PortfolioFlag(
            "fixes-not-measured", "warning", run.portfolio.id,
            f"the fixes of {verifier.skipped} flags were not measured: measuring them would "
            f"level more than {budget:,} plan schedules; the fixes listed are all measured",
            None, (), (), ()))
    flags.sort(key=lambda f: f.severity != "error")
    return dataclasses.replace(run, outcomes=tuple(schedules)), tuple(flags)


class _OutOfBudget(BackplanError):
    """Measuring fixes has levelled as many plan schedules as it may."""


@dataclass(frozen=True, slots=True)
class _Contest:
    """A late plan's ``over-capacity`` flag on a shared person whose hours plans ahead took."""

    k: int
    person: str
    flag: Flag
    days: tuple[dt.date, ...]
    ahead: tuple[int, ...]  # plans ahead that booked the person on those days


@dataclass(slots=True)
class _Draft:
    """An ``over-allocated`` flag being made: its facts and the fixes measured so far."""

    person: str
    contests: list[_Contest]
    late: list[int]  # late plans, in levelling order
    ahead: list[int]  # plans ahead that took the hours, in levelling order
    late_slack: dict[int, int]
    fixed: list[int]  # the late plans that get fixes of their own, the most short first
    fixes: list[PortfolioFix] = dataclasses.field(default_factory=list)
    short: bool = False  # some of its fixes were left unmeasured for want of budget

    def clears(self, after: PortfolioRun) -> bool:
        """Every late plan feasible after, or later than it was."""
        return all(after.schedule(k).feasible or (after.schedule(k).min_slack or 0)
                   > self.late_slack[k] for k in self.late)


#: The fixes of an over-allocation, cheapest to measure first: a late plan's own changes level
#: it and the plans after it again; a priority moves it among the others; a shared person's
#: hours level every plan that books them again.
_KINDS = ("move-due", "descope", "raise-priority", "add-hours")


def _contested(run: PortfolioRun) -> list[_Contest]:
    shared = run.portfolio.shared_people
    found = []
    for k in run.order:
        schedule = run.schedule(k)
        if schedule.feasible:
            continue
        due = run.portfolio.plans[k].plan.goal.due
        for flag in schedule.flags:
            person = getattr(flag, "person", "")
            if flag.code != "over-capacity" or person not in shared:
                continue
            days: set[dt.date] = set()
            ahead = []
            here = run.position[k]
            for j in run.bookers.get(person, ()):
                if run.position[j] >= here:
                    break
                taken = run.outcomes[j].booked[person]
                hit = {d for d, seconds in taken.items() if seconds and run.today <= d <= due}
                if hit:
                    days |= hit
                    ahead.append(j)
            if days:
                found.append(_Contest(k, person, flag, tuple(sorted(days)), tuple(ahead)))
    return found


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, slots=True)
class _Outcome:
    run: PortfolioRun
    feasible: bool
    min_slack: int | None


class _Verifier:
    def __init__(self, run: PortfolioRun, budget: int) -> None:
        self.run = run
        self.budget = budget
        self.spent = 0
        self.skipped = 0  # flags whose fixes were cut short by the budget
        self.outcomes: dict[str, _Outcome | None] = {}
        self.position = run.position

    def spend(self, levelled: int) -> None:
        """Count ``levelled`` plan schedules; :class:`_OutOfBudget` once the budget is gone."""
        if self.spent >= self.budget:
            raise _OutOfBudget("the budget for measuring fixes is spent")
        self.spent += levelled

    def measure(self, changes: Sequence[PortfolioChange]) -> _Outcome | None:
        """The portfolio scheduled again with ``changes`` (None: they do not apply, or the
        budget is spent)."""
        key = _key(changes)
        if key not in self.outcomes:
            left = self.budget - self.spent
            if left <= 0:
                return None
            try:
                after = self.run.with_changes(changes, limit=left)
            except LevellingLimitError:
                self.spent = self.budget  # it would take the rest: none is left
                return None
            except BackplanError:
                self.outcomes[key] = None
            else:
                self.spent += after.levelled
                self.outcomes[key] = _Outcome(after, after.feasible, after.min_slack)
        return self.outcomes[key]

    def helps(self, outcome: _Outcome, clears: Callable[[PortfolioRun], bool]) -> bool:
        """Whether a fix makes the portfolio feasible, buys it slack, or clears its own flag
        without making another plan infeasible or the portfolio shorter."""
        before = self.run.min_slack
        if outcome.feasible:
            return True
        after = outcome.min_slack or 0
        if before is not None and after > before:
            return True
        late = {k for k, o in enumerate(self.run.outcomes) if not o.schedule.feasible}
        now = {k for k, o in enumerate(outcome.run.outcomes) if not o.schedule.feasible}
        return (now <= late and (before is None or after >= before)
                and clears(outcome.run))

    # -- over-allocation ---------------------------------------------------------------------
    def draft(self, person: str, contests: list[_Contest]) -> _Draft:
        """An ``over-allocated`` flag's facts, its fixes still to find and measure."""
        run = self.run
        late = sorted({c.k for c in contests}, key=self.position.__getitem__)
        ahead = sorted({j for c in contests for j in c.ahead}, key=self.position.__getitem__)
        late_slack = {k: run.schedule(k).min_slack or 0 for k in late}
        worst = sorted(late, key=lambda k: (late_slack[k], self.position[k]))
        return _Draft(person, contests, late, ahead, late_slack, worst[:LATE_PLANS_FIXED])

    def find_fixes(self, draft: _Draft, kind: str) -> None:
        """Find and measure ``draft``'s fixes of ``kind`` (while the budget lasts)."""
        plans = self.run.portfolio.plans
        candidates: list[tuple[str, str, list[PortfolioChange], float]] = []
        if kind == "add-hours":
            added = self.fewest_hours(draft.person, draft.fixed)
            if added and added[0].change is not None:
                candidates.append(("add-hours", draft.person, added,
                                   added[0].change.add_hours or 0.0))
        for k in draft.fixed if kind != "add-hours" else ():
            entry = plans[k]
            if kind == "move-due":
                moved = self.moved_due(k, self.run.schedule(k))
                if moved:
                    candidates.append(("move-due", entry.goal, moved,
                                       self.days_moved(k, moved)))
            elif kind == "descope":
                for contest in draft.contests:
                    if contest.k == k:
                        candidates += [("descope", entry.goal, [PortfolioChange(
                            plan=entry.path, change=ScenarioChange(drop=fix.chain))],
                            float(len(fix.chain))) for fix in contest.flag.fixes
                            if fix.kind == "descope" and fix.chain]
            elif kind == "raise-priority":
                raised = self.raised_priority(k, [j for j in draft.ahead
                                                  if j in self.before(k)])
                if raised is not None:
                    candidates.append(("raise-priority", entry.goal, [raised],
                                       float(self.jumped(k, raised))))
        for fix_kind, subject, changes, moved_by in candidates:
            outcome = self.measure(changes)
            if outcome is None or not self.helps(outcome, draft.clears):
                continue
            draft.fixes.append(self.worded(fix_kind, subject, changes, outcome, moved_by))
        if self.spent >= self.budget:
            draft.short = True

    def over_allocated(self, draft: _Draft) -> OverAllocationFlag:
        """The flag of a draft whose fixes were found."""
        plans = self.run.portfolio.plans
        contests, late, ahead, person = draft.contests, draft.late, draft.ahead, draft.person
        sharing = ahead + [k for k in late if k not in ahead]
        days = tuple(sorted({d for c in contests for d in c.days}))
        hours = round(sum(getattr(c.flag, "shortfall_hours", 0.0) for c in contests), 4)
        shortfall = max(c.flag.shortfall_days or 0 for c in contests)
        chain = tuple(f"{plans[c.k].goal}/{a}" for c in contests for a in c.flag.chain)
        affected = tuple(f"{plans[c.k].goal}/{a}" for c in contests for a in c.flag.affected)
        message = (
            f"{person} is over-allocated: {_listed([plans[j].goal for j in ahead])} (ahead in "
            f"priority) {'book' if len(ahead) > 1 else 'books'} {person} on {_dates(days)}, "
            f"leaving {_listed([plans[k].goal for k in late])} {_hours(hours)} short of "
            f"{person}'s time: {working_days(shortfall)} late")
        return OverAllocationFlag(
            "over-allocated", "error", person, message, shortfall, chain, affected,
            rank_portfolio_fixes(draft.fixes), person=person,
            plans=tuple(plans[k].path for k in sharing),
            late_plans=tuple(plans[k].path for k in late), days=days, shortfall_hours=hours)

    def before(self, k: int) -> list[int]:
        return self.run.before(k)

    def fewest_hours(self, person: str, late: list[int]) -> list[PortfolioChange]:
        """The fewest extra hours a day (in :data:`HOURS_STEP`) that make the ``late`` plans
        feasible, or that give them as much slack as the most would; the search starts from
        what they would need in their place (the others' bookings as they are), which is
        usually close."""
        found = next((p for p in self.run.portfolio.people if p.id == person), None)
        if found is None:
            return []
        steps = hour_steps(found.hours_per_day)
        if steps < 1:
            return []

        def change(n: int) -> list[PortfolioChange]:
            return [PortfolioChange(change=ScenarioChange(person=person,
                                                          add_hours=n * HOURS_STEP))]

        def late_slack(outcome: _Outcome) -> int:
            return min(outcome.run.schedule(k).min_slack or 0 for k in late)

        def fit(outcome: _Outcome | None) -> bool:
            return outcome is not None and all(outcome.run.schedule(k).feasible for k in late)

        alone = min(steps, max((self.hours_alone(k, person) for k in late), default=1))
        first = self.measure(change(alone))
        if first is None:
            return []
        most = first if fit(first) else self.measure(change(steps))
        if most is None:
            return []
        target = late_slack(most)

        def good(n: int) -> bool:
            after = self.measure(change(n))
            if after is None:
                return False
            return fit(after) if fit(most) else late_slack(after) >= target

        # the fewest that fit, at most what the late plans need in place; or more than that
        low, high = (0, alone) if fit(first) else (alone, steps)
        while high - low > 1:
            middle = (low + high) // 2
            if good(middle):
                high = middle
            else:
                low = middle
        return change(high)

    def hours_alone(self, k: int, person: str) -> int:
        """The fewest extra half-hour steps a day for ``person`` that plan ``k`` needs in its
        place (the others' bookings as they are), at least 1."""
        changes = fewest_added_hours(self.run.portfolio.plans[k].plan, person,
                                     self.measuring(k))
        hours = changes[0].add_hours if changes and changes[0].add_hours else HOURS_STEP
        return max(1, round(hours / HOURS_STEP))

    def measuring(self, k: int) -> Measure:
        """Plan ``k`` levelled with changes, in its place in the portfolio (each a measurement
        spent; None when the changes leave no plan)."""
        plan = self.run.portfolio.plans[k].plan

        def measure(changes: Sequence[ScenarioChange]) -> Schedule | None:
            try:
                self.spend(1)
                return self.run.level(k, apply_changes(plan, changes, name="fix"))
            except BackplanError:
                return None

        return measure

    def moved_due(self, k: int, schedule: Schedule) -> list[PortfolioChange]:
        entry = self.run.portfolio.plans[k]
        return [PortfolioChange(plan=entry.path, change=c)
                for c in moved_deadlines(entry.plan, schedule, self.measuring(k))]

    def raised_priority(self, k: int, ahead: list[int]) -> PortfolioChange | None:
        """The priority that puts plan ``k`` ahead of the plans that took ``person``'s hours."""
        if not ahead:
            return None
        plans = self.run.portfolio.plans
        given = [p for j in ahead if (p := plans[j].priority) is not None]
        target = max(0, min(given) - 1) if given else 1
        current = plans[k].priority
        if current is not None and current <= target:
            return None
        return PortfolioChange(plan=plans[k].path, priority=target)

    def jumped(self, k: int, change: PortfolioChange) -> int:
        """How many plans a priority change puts plan ``k`` ahead of."""
        after = self.measure([change])
        if after is None:
            return 0
        was = set(self.before(k))
        now = set(after.run.before(k))
        return len(was - now)

    def days_moved(self, k: int, changes: Sequence[PortfolioChange]) -> float:
        plan = self.run.portfolio.plans[k].plan
        calendar = plan_calendar(plan, today=self.run.today)
        total = 0
        milestones = {m.id: m.due for m in plan.milestones}
        actions = {a.id: a for a in plan.actions}
        for change in changes:
            inner = change.change
            if inner is None:
                continue
            new = inner.due or inner.not_after or inner.not_before
            if inner.kind == "due":
                old = plan.goal.due if inner.milestone is None else milestones.get(
                    inner.milestone)
            elif inner.action is not None and inner.kind in ("not_after", "not_before"):
                old = getattr(actions[inner.action], inner.kind)
            else:
                continue
            if old is not None and new is not None:
                first, last = sorted((old, new))
                total += calendar.count(calendar.on_or_after(first),
                                        calendar.on_or_before(last))
        return float(total)

    # -- a plan's own flags ------------------------------------------------------------------
    def plan_flag(self, k: int, flag: Flag) -> PortfolioFlag:
        """A plan's own flag, its fixes as measured on the plan in its place (a shared
        person's extra hours, which every plan gets, measured on the portfolio)."""
        entry = self.run.portfolio.plans[k]
        shared = self.run.portfolio.shared_people
        fixes = []
        for fix in flag.fixes:
            if not fix.changes:
                continue
            if any(c.kind == "add_hours" and c.person in shared for c in fix.changes):
                changes = [PortfolioChange(plan=None if c.kind == "add_hours" else entry.path,
                                           change=c) for c in fix.changes]
                outcome = self.measure(changes)

                def clears(after: PortfolioRun, k: int = k) -> bool:
                    return cleared(flag, after.schedule(k))

                if outcome is not None and self.helps(outcome, clears):
                    fixes.append(self.worded(fix.kind, fix.subject, changes, outcome, fix.moved,
                                             date=fix.date, chain=fix.chain))
                continue
            fixes.append(PortfolioFix(
                fix.kind, fix.subject, f"{entry.path}: {fix.description}", fix.days, fix.date,
                fix.chain, feasible_after=fix.feasible_after,
                min_slack_after=fix.min_slack_after, moved=fix.moved,
                portfolio_changes=tuple(PortfolioChange(plan=entry.path, change=c)
                                        for c in fix.changes),
                measured_on="plan"))
        details = tuple((name, value) for name, value in flag.to_dict().items()
                        if name not in Flag.to_dict(flag))
        return PortfolioFlag(flag.code, flag.severity, flag.subject, flag.message,
                             flag.shortfall_days, flag.chain, flag.affected,
                             rank_portfolio_fixes(fixes), plan=entry.path, goal=entry.goal,
                             details=details)

    # -- words -------------------------------------------------------------------------------
    def worded(self, kind: str, subject: str, changes: Sequence[PortfolioChange],
               outcome: _Outcome, moved: float, *, date: dt.date | None = None,
               chain: tuple[str, ...] = ()) -> PortfolioFix:
        before = self.run.min_slack
        gained = 0 if before is None or outcome.min_slack is None else (
            outcome.min_slack - before)
        what = "; ".join(self.describe(c, outcome) for c in changes)
        short = -(outcome.min_slack or 0)
        if outcome.feasible:
            effect = (f"buys {working_days(gained)}; then every plan is feasible" if gained > 0
                      else "then every plan is feasible")
        elif gained > 0:
            effect = f"buys {working_days(gained)}; the portfolio stays {working_days(short)} short"
        else:
            effect = (f"clears this flag; the portfolio stays {working_days(short)} short through "
                      "other flags")
        if date is None:
            date = next((d for c in changes if c.change is not None
                         and (d := c.change.due or c.change.not_before or c.change.not_after)),
                        None)
        if not chain:
            chain = next((c.change.drop or () for c in changes
                          if c.change is not None and c.change.kind == "drop"), ())
        return PortfolioFix(kind, subject, f"{what} ({effect})", gained, date, chain,
                            feasible_after=outcome.feasible,
                            min_slack_after=outcome.min_slack, moved=moved,
                            portfolio_changes=tuple(changes))

    def describe(self, change: PortfolioChange, outcome: _Outcome) -> str:
        portfolio = self.run.portfolio
        if change.plan is None:
            assert change.change is not None
            base = next(p for p in portfolio.people if p.id == change.change.person)
            hours = change.change.add_hours or 0
            noun = "hour" if hours == 1 else "hours"
            return (f"give {base.id} {hours:g} more project {noun} a day "
                    f"({base.hours_per_day:g} -> {base.hours_per_day + hours:g}) in every plan")
        entry = portfolio.plan(change.plan)
        if change.change is None:
            k = portfolio.plans.index(entry)
            passed = set(self.before(k)) - set(outcome.run.before(k))
            names = [portfolio.plans[j].goal for j in self.run.order if j in passed]
            was = "none" if entry.priority is None else str(entry.priority)
            ahead = f", ahead of {_listed(names)}" if names else ""
            return f"{entry.path}: give it priority {change.priority} (was {was}){ahead}"
        text = describe_changes(entry.plan, [change.change], today=self.run.today)
        return f"{entry.path}: {text}"
