"""The commented starter plan ``backplan init`` writes, dated from the day it is written.

Every date in it counts from ``today``: the baseline was measured at the end of last month, the
first milestone is due in eight weeks, the goal in sixteen, and New Year's Day is the holiday that
shows how holidays are written. So a fresh plan validates, schedules with room to spare and
passes the SMART check (``backplan lint``) without a finding, whatever the day.

Example:
    >>> import datetime as dt
    >>> from backplan import loads_plan, lint_plan, schedule_plan
    >>> today = dt.date(2027, 5, 12)
    >>> plan = loads_plan(starter_plan(today=today))
    >>> plan.goal.due.isoformat(), plan.goal.key_results[0].baseline_date.isoformat()
    ('2027-09-01', '2027-04-30')
    >>> schedule_plan(plan, today=today).feasible, lint_plan(plan, today=today).findings
    (True, ())
"""

from __future__ import annotations

import datetime as dt

from backplan.errors import BackplanError

__all__ = ["starter_plan"]

#: The days a starter plan can be dated from: its dates run from the end of the month before
#: to next New Year's Day, within the years 1..9999.
_FIRST_TODAY, _LAST_TODAY = dt.date(1, 2, 1), dt.date(9998, 9, 1)

_TEMPLATE = """\
# A backplan plan: start from the goal's due date and work back.
# Check it:     backplan validate {path}
# Schedule it:  backplan schedule {path}
# SMART check:  backplan lint {path}
# Docs: every field is described in docs/plan-files.md; editors can validate this file with
# the JSON Schema that `backplan schema -o plan.schema.json` writes.
# Dates were set from {today} (the day this file was written): change them to yours.

goal:
  id: fcr-75                      # ids: any text without leading/trailing spaces, unique
  title: Raise first call resolution (FCR) from 72% to 75%
  due: {due}                 # the target date the plan works back from (YYYY-MM-DD)
  owner: Head of Customer Care
  parent: Resolve customers' issues the first time they call   # the objective it serves
  key_results:
    - id: fcr-rate
      metric: fcr                 # from the catalogue: fcr, aht, csat, nps, ces, asa, ...
      baseline: 72
      target: 75
      baseline_date: {baseline}   # when the baseline was measured

calendar:
  workdays: [mon, tue, wed, thu, fri]
  holidays: [{new_year}]          # non-working dates on top of weekends

milestones:
  - id: causes-known
    title: Top repeat-contact causes known
    due: {milestone}               # optional: the milestone's own deadline
  - id: fixes-live
    title: Knowledge-base fixes live and agents coached
    after: [causes-known]         # reached after causes-known; its actions start after it

actions:
  # duration: working days; after: ids that must finish first; lag: working days to wait
  - id: export-contacts
    title: Export 90 days of contacts from the CRM
    duration: 3
    milestone: causes-known
    owner: Performance analyst    # who does it: shown in every table, chart and export
  - id: tag-repeats
    title: Tag repeat contacts and find the top 5 causes
    duration: 8
    after: [export-contacts]
    milestone: causes-known
    owner: Performance analyst
  - id: kb-rewrite
    title: Rewrite the 20 most-used knowledge-base articles
    duration: 10
    milestone: fixes-live
    owner: Knowledge manager
    impact: {{fcr-rate: 1.5}}         # FCR points gained once it is done
  - id: coaching
    title: Coach every team on the new articles
    duration: 5
    after: [kb-rewrite]
    lag: 2                        # wait two working days after kb-rewrite finishes
    milestone: fixes-live
    priority: must                # must, should, could or wont (wont: kept, not scheduled)
    owner: Team leaders
    impact: {{fcr-rate: 1.5}}
"""


def starter_plan(*, today: dt.date, path: str = "plan.yaml") -> str:
    """The starter plan's YAML text, dated from ``today`` (``path`` is named in its comments).

    Args:
        today: the day the plan is written; the dates in it count from this day.
        path: the file name the comments' commands use.

    Returns:
        YAML text that validates, schedules feasibly from ``today`` and lints clean; for a
        ``path`` ending in ``.json``, the same plan as JSON (without the comments).

    Raises:
        BackplanError: ``today`` is too near the years 1 or 9999 for the plan's dates (from the
            end of last month to next New Year's Day).

    Example:
        >>> print(starter_plan(today=dt.date(2027, 5, 12), path="q3.json")[:36])
        {
          "goal": {
            "id": "fcr-75",
    """
    if not _FIRST_TODAY <= today <= _LAST_TODAY:
        raise BackplanError(
            f"a starter plan dated from {today.isoformat()} would need dates outside the years "
            f"1..9999: give --today from {_FIRST_TODAY.isoformat()} to "
            f"{_LAST_TODAY.isoformat()}")
    if path.lower().endswith(".json"):
        from backplan.io.plan_files import dump_plan, loads_plan

        return dump_plan(loads_plan(starter_plan(today=today, path=path[:-5] + ".yaml")),
                         format="json")
    baseline = today.replace(day=1) - dt.timedelta(days=1)  # the end of last month
    new_year = dt.date(today.year + 1, 1, 1)
    return _TEMPLATE.format(
        path=path, today=today.isoformat(), due=(today + dt.timedelta(weeks=16)).isoformat(),
        baseline=baseline.isoformat(), new_year=new_year.isoformat(),
        milestone=(today + dt.timedelta(weeks=8)).isoformat(),
    )
